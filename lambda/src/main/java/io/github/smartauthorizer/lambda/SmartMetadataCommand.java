package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.json.StrictJson;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code smart-metadata --issuer URL}: reads the issuer's OpenID Connect discovery document and prints the
 * {@code Metadata} of a SMART-on-FHIR HealthLake data store ({@code IdentityProviderConfiguration.Metadata}, a string
 * holding JSON): {@code issuer}, {@code jwks_uri}, {@code authorization_endpoint} and {@code token_endpoint} (both
 * required), {@code token_endpoint_auth_methods_supported}, {@code grant_types_supported} (only
 * {@code authorization_code} and {@code client_credentials}, spelled as HealthLake expects),
 * {@code scopes_supported}, {@code code_challenge_methods_supported} ({@code S256}), {@code capabilities} (from a
 * fixed list of SMART capability names, so a typo is an error) and {@code introspection_endpoint} /
 * {@code revocation_endpoint} when the IdP has them.
 *
 * <p>Output ({@code --output}): {@code both} (default: the JSON, then the same JSON as an escaped JSON string for
 * {@code aws healthlake create-fhir-datastore --identity-provider-configuration}), {@code json}, {@code escaped}, or
 * {@code sam-parameters} ({@code Key=Value} pairs for the parameters of {@code examples/sam/template.yaml}). Exit code 0,
 * or 2 with a message on standard error.
 */
final class SmartMetadataCommand {
  static final String NAME = "smart-metadata";

  /** The SMART App Launch 2.x capabilities, plus {@code permission-v2.2}, which HealthLake reads for v2.2 filters. */
  static final Set<String> CAPABILITIES = Set.of(
      "authorize-post", "client-confidential-asymmetric", "client-confidential-symmetric", "client-public",
      "context-banner", "context-ehr-encounter", "context-ehr-patient", "context-passthrough-banner",
      "context-passthrough-style", "context-standalone-encounter", "context-standalone-patient", "context-style",
      "launch-base64-json", "launch-ehr", "launch-standalone", "permission-offline", "permission-online",
      "permission-patient", "permission-user", "permission-v1", "permission-v2", "permission-v2.2",
      "smart-app-state", "sso-openid-connect");

  /** A standalone launch by patient or practitioner apps, public or confidential, with v1 and v2 scopes. */
  static final List<String> DEFAULT_CAPABILITIES = List.of(
      "launch-standalone", "client-public", "client-confidential-symmetric", "sso-openid-connect",
      "context-standalone-patient", "permission-patient", "permission-user", "permission-v1", "permission-v2");

  static final Set<String> GRANT_TYPES = Set.of("authorization_code", "client_credentials");
  private static final Set<String> OUTPUTS = Set.of("both", "json", "escaped", "sam-parameters");
  private static final Set<String> OPTIONS = Set.of("--issuer", "--discovery-url", "--capability", "--capabilities",
      "--grant-types", "--grant-type", "--scopes", "--output", "--timeout-ms");
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  /** The largest discovery document read (as for the providers' discovery). */
  static final int MAX_DOCUMENT_BYTES = 256 * 1024;

  private static final String USAGE = String.join(System.lineSeparator(),
      "usage: java -jar smart-authorizer-lambda.jar smart-metadata --issuer URL [options]",
      "  --issuer URL              the issuer exactly as in the tokens' iss (required)",
      "  --discovery-url URL       default {issuer}/.well-known/openid-configuration",
      "  --capability NAME[,NAME]  SMART capabilities, repeatable; default " + String.join(",", DEFAULT_CAPABILITIES),
      "  --grant-types A[,B]       authorization_code and/or client_credentials; default: those the IdP advertises",
      "  --scopes S[,S]            scopes_supported; default: the IdP's, when it advertises them",
      "  --output FORMAT           both (default), json, escaped or sam-parameters",
      "  --timeout-ms N            for the discovery request; default 5000",
      "Exit codes: 0 printed, 2 usage error, unreachable IdP or unusable discovery document.");

  private SmartMetadataCommand() {}

  /** A usage or discovery problem; the message says what to fix. */
  static final class MetadataException extends Exception {
    private static final long serialVersionUID = 1L;

    MetadataException(String message) {
      super(message, null, false, false);
    }
  }

  /** The parsed command-line options. */
  record Options(String issuer, URI discoveryUrl, List<String> capabilities, List<String> grantTypes,
      List<String> scopes, String output, Duration timeout) {}

  static int run(List<String> args, DocumentFetcher fetcher, PrintStream stdout, PrintStream stderr) {
    if (args.contains("--help") || args.contains("-h")) {
      stdout.println(USAGE);
      return ExitCodes.AUTHORIZED;
    }
    try {
      Options options = parse(args);
      Map<String, Object> discovery = fetch(options, fetcher);
      Map<String, Object> metadata = metadata(options, discovery, stderr);
      print(options.output(), metadata, stdout);
      return ExitCodes.AUTHORIZED;
    } catch (MetadataException e) {
      stderr.println("smart-metadata: " + e.getMessage());
      if (e.getMessage().startsWith("usage")) {
        stderr.println(USAGE);
      }
      return ExitCodes.CONFIGURATION_ERROR;
    }
  }

  static Options parse(List<String> args) throws MetadataException {
    String issuer = null;
    URI discovery = null;
    List<String> capabilities = new ArrayList<>();
    List<String> grantTypes = new ArrayList<>();
    List<String> scopes = new ArrayList<>();
    String output = "both";
    Duration timeout = DEFAULT_TIMEOUT;
    for (int i = 0; i < args.size(); i += 2) {
      String option = args.get(i);
      if (!OPTIONS.contains(option)) {
        throw new MetadataException("usage: " + (option.startsWith("-") ? "unknown option '" + option + "'"
            : "unexpected argument '" + option + "'"));
      }
      if (i + 1 >= args.size()) {
        throw new MetadataException("usage: " + option + " needs a value");
      }
      String value = args.get(i + 1);
      switch (option) {
        case "--issuer" -> issuer = url("--issuer", value).toString();
        case "--discovery-url" -> discovery = url("--discovery-url", value);
        case "--capability", "--capabilities" -> capabilities.addAll(list(value));
        case "--grant-types", "--grant-type" -> grantTypes.addAll(list(value));
        case "--scopes" -> scopes.addAll(list(value));
        case "--output" -> output = value.toLowerCase(Locale.ROOT);
        case "--timeout-ms" -> timeout = timeout(value);
        default -> throw new IllegalStateException("an option of OPTIONS without a case: " + option);
      }
    }
    if (issuer == null) {
      throw new MetadataException("usage: --issuer is required");
    }
    if (!OUTPUTS.contains(output)) {
      throw new MetadataException("usage: --output expects one of " + new TreeSet<>(OUTPUTS) + ", got '" + output
          + "'");
    }
    for (String capability : capabilities) {
      if (!CAPABILITIES.contains(capability)) {
        throw new MetadataException("unknown SMART capability '" + capability + "'; known: "
            + String.join(", ", new TreeSet<>(CAPABILITIES)));
      }
    }
    for (String grant : grantTypes) {
      if (!GRANT_TYPES.contains(grant)) {
        throw new MetadataException("--grant-types expects authorization_code and/or client_credentials (HealthLake"
            + " knows no other; note the plural client_credentials), got '" + grant + "'");
      }
    }
    if (discovery == null) {
      String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
      discovery = URI.create(base + "/.well-known/openid-configuration");
    }
    return new Options(issuer, discovery, capabilities.isEmpty() ? DEFAULT_CAPABILITIES : List.copyOf(
        new LinkedHashSet<>(capabilities)), List.copyOf(new LinkedHashSet<>(grantTypes)), List.copyOf(scopes), output,
        timeout);
  }

  private static Map<String, Object> fetch(Options options, DocumentFetcher fetcher) throws MetadataException {
    byte[] body;
    try {
      body = fetcher.getJson(options.discoveryUrl(), options.timeout(), MAX_DOCUMENT_BYTES);
    } catch (IOException e) {
      throw new MetadataException("cannot read the discovery document " + options.discoveryUrl() + ": "
          + e.getMessage());
    }
    try {
      return StrictJson.parseObject(body);
    } catch (StrictJson.MalformedJsonException e) {
      throw new MetadataException("the discovery document " + options.discoveryUrl() + " is not a JSON object: "
          + e.getMessage());
    }
  }

  /** The HealthLake Metadata for a discovery document, in the member order of AWS's documentation. */
  static Map<String, Object> metadata(Options options, Map<String, Object> discovery, PrintStream warnings)
      throws MetadataException {
    Object issuer = discovery.get("issuer");
    if (!options.issuer().equals(issuer)) {
      throw new MetadataException("the discovery document names the issuer '" + issuer + "', not '"
          + options.issuer() + "': pass --issuer exactly as the tokens' iss (mind a trailing slash)");
    }
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("issuer", options.issuer());
    metadata.put("jwks_uri", endpoint(discovery, "jwks_uri", false));
    metadata.put("authorization_endpoint", endpoint(discovery, "authorization_endpoint", true));
    metadata.put("token_endpoint", endpoint(discovery, "token_endpoint", true));
    List<String> authMethods = strings(discovery, "token_endpoint_auth_methods_supported");
    // OpenID Connect Discovery 1.0 §3: absent means client_secret_basic.
    metadata.put("token_endpoint_auth_methods_supported", authMethods.isEmpty() ? List.of("client_secret_basic")
        : authMethods);
    metadata.put("grant_types_supported", grantTypes(options, discovery));
    List<String> scopes = options.scopes().isEmpty() ? strings(discovery, "scopes_supported") : options.scopes();
    metadata.put("scopes_supported", scopes.isEmpty() ? null : scopes);
    List<String> methods = strings(discovery, "code_challenge_methods_supported");
    if (!methods.contains("S256")) {
      warnings.println("smart-metadata: warning: the IdP does not advertise PKCE S256 (code_challenge_methods_supported"
          + " " + methods + "); SMART apps and HealthLake need it, check that the IdP supports it");
    }
    metadata.put("code_challenge_methods_supported", List.of("S256"));
    metadata.put("capabilities", options.capabilities());
    metadata.put("introspection_endpoint", endpoint(discovery, "introspection_endpoint", false));
    metadata.put("revocation_endpoint", endpoint(discovery, "revocation_endpoint", false));
    return metadata;
  }

  private static List<String> grantTypes(Options options, Map<String, Object> discovery) throws MetadataException {
    if (!options.grantTypes().isEmpty()) {
      return options.grantTypes();
    }
    List<String> advertised = strings(discovery, "grant_types_supported");
    if (advertised.isEmpty()) {
      // OpenID Connect Discovery 1.0 §3: absent means authorization_code and implicit.
      return List.of("authorization_code");
    }
    List<String> granted = advertised.stream().filter(GRANT_TYPES::contains).toList();
    if (granted.isEmpty()) {
      throw new MetadataException("the IdP advertises neither authorization_code nor client_credentials in"
          + " grant_types_supported " + advertised + "; pass --grant-types if it supports them anyway");
    }
    return granted;
  }

  private static String endpoint(Map<String, Object> discovery, String name, boolean required)
      throws MetadataException {
    Object value = discovery.get(name);
    if (value == null) {
      if (required) {
        throw new MetadataException("the discovery document has no " + name + ", which HealthLake requires");
      }
      return null;
    }
    if (!(value instanceof String text)) {
      throw new MetadataException("the discovery document's " + name + " is not a string");
    }
    try {
      url(name, text);
    } catch (MetadataException e) {
      throw new MetadataException("the discovery document's " + name + " is not an absolute http(s) URL");
    }
    return text;
  }

  private static List<String> strings(Map<String, Object> discovery, String name) throws MetadataException {
    Object value = discovery.get(name);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> items) || !items.stream().allMatch(String.class::isInstance)) {
      throw new MetadataException("the discovery document's " + name + " is not an array of strings");
    }
    return items.stream().map(String.class::cast).toList();
  }

  static void print(String output, Map<String, Object> metadata, PrintStream stdout) {
    String json = JsonText.object(metadata);
    switch (output) {
      case "json" -> stdout.println(json);
      case "escaped" -> stdout.println(escaped(json));
      case "sam-parameters" -> stdout.println(samParameters(metadata));
      default -> {
        stdout.println(json);
        stdout.println(escaped(json));
      }
    }
  }

  /** The JSON text as a JSON string literal, the form {@code Metadata} takes inside an IdentityProviderConfiguration. */
  static String escaped(String json) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** {@code Key=Value} pairs for {@code sam deploy --parameter-overrides}, matching examples/sam/template.yaml. */
  @SuppressWarnings("unchecked")
  static String samParameters(Map<String, Object> metadata) {
    List<String> pairs = new ArrayList<>();
    pairs.add("Issuer=" + metadata.get("issuer"));
    if (metadata.get("jwks_uri") != null) {
      pairs.add("JwksUri=" + metadata.get("jwks_uri"));
    }
    pairs.add("AuthorizationEndpoint=" + metadata.get("authorization_endpoint"));
    pairs.add("TokenEndpoint=" + metadata.get("token_endpoint"));
    pairs.add("TokenEndpointAuthMethods=" + String.join(",",
        (List<String>) metadata.get("token_endpoint_auth_methods_supported")));
    pairs.add("GrantTypes=" + String.join(",", (List<String>) metadata.get("grant_types_supported")));
    pairs.add("Capabilities=" + String.join(",", (List<String>) metadata.get("capabilities")));
    return String.join(" ", pairs);
  }

  private static URI url(String option, String value) throws MetadataException {
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new MetadataException("usage: " + option + " expects an absolute http or https URL, got '" + value + "'");
  }

  private static List<String> list(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static Duration timeout(String value) throws MetadataException {
    try {
      long millis = Long.parseLong(value);
      if (millis >= 100 && millis <= 60_000) {
        return Duration.ofMillis(millis);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new MetadataException("usage: --timeout-ms expects a whole number from 100 to 60000, got '" + value + "'");
  }
}
