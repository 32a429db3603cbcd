package io.github.smartauthorizer.providers.keycloak;

import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.api.spi.ProviderContext;
import io.github.smartauthorizer.api.spi.TokenRoute;
import io.github.smartauthorizer.providers.shared.IntrospectionSettings;
import io.github.smartauthorizer.providers.shared.IntrospectionValidator;
import io.github.smartauthorizer.providers.shared.JwksLocation;
import io.github.smartauthorizer.providers.shared.JwtSettings;
import io.github.smartauthorizer.providers.shared.JwtValidator;
import io.github.smartauthorizer.providers.shared.SettingNames;
import io.github.smartauthorizer.providers.shared.ToolkitWarmUp;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Provider {@code keycloak}: access tokens of one Keycloak realm (Keycloak 26.x), verified locally against the realm's
 * certs ({@code jwks} mode, the default) or by asking the realm's introspection endpoint ({@code introspection} mode).
 *
 * <table>
 *   <caption>Variables</caption>
 *   <tr><td>{@code AUTHORIZER_KEYCLOAK_URL} + {@code AUTHORIZER_KEYCLOAK_REALM}</td><td>the base URL (e.g.
 *       {@code https://keycloak.example.com}) and the realm; the issuer is {@code {base}/realms/{realm}}</td></tr>
 *   <tr><td>{@code AUTHORIZER_ISSUER}</td><td>instead of the two above: the realm issuer itself</td></tr>
 *   <tr><td>{@code AUTHORIZER_KEYCLOAK_MODE}</td><td>{@code jwks} (default) or {@code introspection}</td></tr>
 *   <tr><td>{@code AUTHORIZER_JWKS_URI}</td><td>default {@code {issuer}/protocol/openid-connect/certs}</td></tr>
 *   <tr><td>{@code AUTHORIZER_INTROSPECTION_URL}</td><td>default
 *       {@code {issuer}/protocol/openid-connect/token/introspect}</td></tr>
 *   <tr><td>{@code AUTHORIZER_CLIENT_IDS}</td><td>optional {@code azp} allow-list</td></tr>
 *   <tr><td>{@code AUTHORIZER_AUDIENCE}</td><td>as for {@code jwks}: default the data store endpoint</td></tr>
 * </table>
 *
 * <p>Plus the shared settings of {@link JwtSettings} (jwks mode; keys are fetched at init and cached on our own TTL,
 * since Keycloak's certs endpoint answers {@code Cache-Control: no-cache}) or {@link IntrospectionSettings}
 * (introspection mode; credentials are read at init). Both modes apply the same {@link KeycloakTokenRules}.
 */
public final class KeycloakProvider implements AuthorizerProvider {
  /** The provider name. */
  public static final String NAME = "keycloak";

  static final String MODE_JWKS = "jwks";
  static final String MODE_INTROSPECTION = "introspection";
  static final String CERTS_PATH = "/protocol/openid-connect/certs";
  static final String INTROSPECTION_PATH = "/protocol/openid-connect/token/introspect";

  static final String KEYCLOAK_URL = "KEYCLOAK_URL";
  static final String KEYCLOAK_REALM = "KEYCLOAK_REALM";
  static final String KEYCLOAK_MODE = "KEYCLOAK_MODE";
  static final String CLIENT_IDS = "CLIENT_IDS";
  static final String INTROSPECTION_URL = "INTROSPECTION_URL";
  /** This provider's own keys, the shared JWT settings (jwks mode) and introspection settings (introspection mode). */
  static final Set<String> SETTING_NAMES = SettingNames.union(
      Set.of(KEYCLOAK_URL, KEYCLOAK_REALM, KEYCLOAK_MODE, CLIENT_IDS, INTROSPECTION_URL), JwtSettings.SETTING_NAMES,
      IntrospectionSettings.SETTING_NAMES);

  /**
   * Appended to the detail of an {@code INACTIVE_TOKEN} deny in introspection mode: the most common cause with a
   * current Keycloak is not a revoked token but the audience rule of CVE-2026-37979.
   */
  static final String AUDIENCE_HINT = "Keycloak 26.4.12, 26.6.2, 26.7.0 and later also answer active:false when the "
      + "introspecting client is not in the token's aud: add an audience mapper (included.client.audience) for it";

  /** Realm names used in a derived issuer: the unreserved URL characters, so the issuer needs no encoding. */
  private static final Pattern REALM = Pattern.compile("[A-Za-z0-9._~-]+");
  /** The path of a realm issuer: anything (a legacy {@code /auth} prefix), then {@code /realms/{realm}}. */
  private static final Pattern ISSUER_PATH = Pattern.compile("(/[^/]+)*/realms/[^/]+");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public TokenValidator createValidator(ProviderContext context) {
    Configuration config = context.configuration();
    String issuer = issuer(config);
    String mode = config.choice(KEYCLOAK_MODE, MODE_JWKS, Set.of(MODE_JWKS, MODE_INTROSPECTION));
    KeycloakTokenRules rules =
        new KeycloakTokenRules(config.list(JwtSettings.AUDIENCE), new LinkedHashSet<>(config.list(CLIENT_IDS)));
    if (mode.equals(MODE_INTROSPECTION)) {
      IntrospectionValidator.Builder builder = IntrospectionSettings
          .configure(context, introspectionUri(config, issuer), issuer)
          // The audience is checked by the rules, after the token type, and always (as in jwks mode).
          .withoutAudienceCheck()
          .customizer(rules);
      rules.checks().forEach(builder::addCheck);
      IntrospectionValidator validator = builder.build();
      validator.prime(context.initTimeout());
      return new AudienceHintValidator(validator);
    }
    JwtValidator.Builder builder = JwtSettings.configure(context, issuer, JwksLocation.fixed(certsUri(config, issuer)))
        // Not skipped but moved: the rules check the audience after the payload typ, so that a Keycloak ID token
        // (aud = the client id) is reported as INVALID_TOKEN_TYPE, not INVALID_AUDIENCE.
        .withoutAudienceCheck()
        .customizer(rules);
    rules.checks().forEach(builder::addCheck);
    JwtValidator validator = builder.build();
    validator.keys().prefetch();
    return validator;
  }

  /**
   * JWTs of the realm issuer, in both modes: Keycloak's access tokens are always JWTs (also the lightweight ones), so
   * even an introspecting instance has no claim on opaque tokens.
   */
  @Override
  public TokenRoute route(ProviderContext context) {
    return TokenRoute.jwtIssuer(issuer(context.configuration()));
  }

  /**
   * The realm issuer: {@code AUTHORIZER_ISSUER}, or {@code {AUTHORIZER_KEYCLOAK_URL}/realms/{AUTHORIZER_KEYCLOAK_REALM}};
   * when both are set they must agree.
   */
  static String issuer(Configuration config) {
    Optional<String> derived = derivedIssuer(config);
    if (config.optional(JwtSettings.ISSUER).isEmpty()) {
      return derived.orElseThrow(() -> new ConfigurationException(config.variable(KEYCLOAK_URL),
          "is required: the Keycloak base URL, e.g. https://keycloak.example.com, with "
              + config.variable(KEYCLOAK_REALM) + " (or set " + config.variable(JwtSettings.ISSUER)
              + " to {base}/realms/{realm})"));
    }
    String issuer = JwtSettings.issuer(config);
    URI uri = URI.create(issuer);
    if (uri.getRawPath() == null || !ISSUER_PATH.matcher(uri.getRawPath()).matches() || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw new ConfigurationException(config.variable(JwtSettings.ISSUER), "expects a Keycloak realm issuer "
          + "{base}/realms/{realm} without a trailing slash, e.g. https://keycloak.example.com/realms/smart, got '"
          + issuer + "'");
    }
    if (derived.isPresent() && !derived.get().equals(issuer)) {
      throw new ConfigurationException(config.variable(JwtSettings.ISSUER), "is '" + issuer + "' but "
          + config.variable(KEYCLOAK_URL) + " and " + config.variable(KEYCLOAK_REALM) + " give '" + derived.get()
          + "'; set one or the other");
    }
    return issuer;
  }

  private static Optional<String> derivedIssuer(Configuration config) {
    Optional<URI> base = config.url(KEYCLOAK_URL);
    Optional<String> realm = config.optional(KEYCLOAK_REALM);
    if (base.isEmpty() && realm.isEmpty()) {
      return Optional.empty();
    }
    if (base.isEmpty()) {
      throw new ConfigurationException(config.variable(KEYCLOAK_URL), "is required with "
          + config.variable(KEYCLOAK_REALM) + ": the Keycloak base URL, e.g. https://keycloak.example.com");
    }
    if (realm.isEmpty()) {
      throw new ConfigurationException(config.variable(KEYCLOAK_REALM), "is required with "
          + config.variable(KEYCLOAK_URL) + ": the realm name, e.g. smart");
    }
    URI url = base.get();
    String text = url.toString();
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    if (url.getRawQuery() != null || url.getRawFragment() != null || text.contains("/realms/")) {
      throw new ConfigurationException(config.variable(KEYCLOAK_URL), "expects the Keycloak base URL without "
          + "/realms/..., query or fragment, e.g. https://keycloak.example.com, got '" + url + "'");
    }
    if (!REALM.matcher(realm.get()).matches()) {
      throw new ConfigurationException(config.variable(KEYCLOAK_REALM), "expects a realm name of letters, digits, "
          + "'.', '_', '~' and '-' (for another realm name set " + config.variable(JwtSettings.ISSUER)
          + " to the issuer exactly as in the tokens), got '" + realm.get() + "'");
    }
    return Optional.of(text + "/realms/" + realm.get());
  }

  /** {@code AUTHORIZER_JWKS_URI}, else the realm's certs endpoint. */
  static URI certsUri(Configuration config, String issuer) {
    return config.url(JwtSettings.JWKS_URI).orElseGet(() -> URI.create(issuer + CERTS_PATH));
  }

  /** {@code AUTHORIZER_INTROSPECTION_URL}, else the realm's introspection endpoint. */
  static URI introspectionUri(Configuration config, String issuer) {
    return config.url(INTROSPECTION_URL).orElseGet(() -> URI.create(issuer + INTROSPECTION_PATH));
  }

  /**
   * {@code KEYCLOAK_URL}, {@code KEYCLOAK_REALM}, {@code KEYCLOAK_MODE}, {@code CLIENT_IDS} and
   * {@code INTROSPECTION_URL}, plus the shared JWT settings ({@link JwtSettings#SETTING_NAMES}, read in jwks mode) and
   * introspection settings ({@link IntrospectionSettings#SETTING_NAMES}, read in introspection mode).
   */
  @Override
  public Set<String> settingNames() {
    return SETTING_NAMES;
  }

  /** The toolkit's warm-up ({@link ToolkitWarmUp#start()}): the HTTP client, its TLS context, the decision path. */
  @Override
  public void warmUp() {
    ToolkitWarmUp.start();
  }
}
