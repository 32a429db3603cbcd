package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.ClaimMapper;
import io.github.smartauthorizer.api.HealthLakeRequest;
import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.Rejection;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.ValidationResult;
import io.github.smartauthorizer.api.json.StrictJson;
import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.api.spi.ProviderContext;
import io.github.smartauthorizer.api.spi.TokenRoute;
import io.github.smartauthorizer.api.spi.ValidatorCounters;
import io.github.smartauthorizer.api.spi.ValidatorDiagnostics;
import java.time.Duration;
import java.util.Base64;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The provider instances one authorizer serves, and which of them decides a token. Immutable and thread-safe once
 * built.
 *
 * <p>With {@code AUTHORIZER_PROVIDER=<provider>} there is one instance, named after its provider, which reads the
 * unscoped variables ({@code AUTHORIZER_ISSUER}, ...) and decides every token, exactly as before instances existed.
 *
 * <p>With {@code AUTHORIZER_PROVIDERS=<name>:<provider>,...} (names {@code [a-z][a-z0-9]*}, unique) each instance
 * reads its own variables {@code AUTHORIZER_<NAME>_<KEY>} ({@code AUTHORIZER_STAFF_KEYCLOAK_URL}); provider settings
 * set without a scope are a configuration error rather than silently shared. Each token is routed before it is
 * validated: a JWT, by its unverified {@code iss}, to the one instance whose {@link TokenRoute} names that issuer
 * (among its {@link TokenRoute#issuers()}),
 * which then verifies it fully; a token that is not a JWT to the one instance that accepts opaque tokens
 * ({@code AUTHORIZER_OPAQUE_TOKENS} chooses when several do, or {@code none}). A JWT without {@code iss} or of an
 * issuer no instance names is denied {@code INVALID_ISSUER}, an opaque token nobody takes {@code MALFORMED_TOKEN}, both
 * without a network call. Two instances naming one issuer are a configuration error.
 */
final class ProviderInstances {
  static final String PROVIDERS_VARIABLE = Configuration.PREFIX + "PROVIDERS";
  static final String OPAQUE_KEY = "OPAQUE_TOKENS";
  /** The longest token routed: the largest {@code AUTHORIZER_MAX_TOKEN_BYTES} any instance may set. */
  static final int MAX_TOKEN_BYTES = 65_536;

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,31}");


  /**
   * One provider instance.
   *
   * @param name the instance name ({@code staff}), or the provider's name with {@code AUTHORIZER_PROVIDER}
   * @param provider the provider's name ({@code keycloak})
   * @param validator its validator
   * @param mapper its claim mapper
   */
  record Instance(String name, String provider, TokenValidator validator, ClaimMapper mapper) {}

  /**
   * Where a token goes: an instance, or a deny before any validation.
   *
   * @param instance the instance that decides the token, or {@code null}
   * @param rejection why no instance does, or {@code null}
   */
  record Route(Instance instance, Rejection rejection) {}

  /** The parsed {@code AUTHORIZER_PROVIDER} or {@code AUTHORIZER_PROVIDERS}, before anything is built. */
  static final class Spec {
    private final Map<String, AuthorizerProvider> providers;
    private final boolean routed;
    private final Configuration config;

    private Spec(Map<String, AuthorizerProvider> providers, boolean routed, Configuration config) {
      this.providers = providers;
      this.routed = routed;
      this.config = config;
    }

    /** The instance names. */
    Set<String> names() {
      return providers.keySet();
    }

    /**
     * Every full variable name the configured providers declare they read ({@link AuthorizerProvider#settingNames}):
     * {@code AUTHORIZER_<KEY>} for the one provider, {@code AUTHORIZER_<NAME>_<KEY>} for each instance.
     */
    Set<String> providerVariables() {
      Set<String> names = new java.util.TreeSet<>();
      for (Map.Entry<String, AuthorizerProvider> entry : providers.entrySet()) {
        Configuration scoped = routed ? config.scoped(entry.getKey()) : config;
        entry.getValue().settingNames().forEach(key -> names.add(scoped.variable(key)));
      }
      return names;
    }

    /**
     * Builds every instance's validator and mapper (which may prefetch keys and read secrets) and the routes.
     *
     * @param contexts the provider context for an instance's configuration
     */
    ProviderInstances build(Function<Configuration, ProviderContext> contexts, ClaimMapper standard) {
      List<Instance> instances = new ArrayList<>();
      Map<String, Instance> byIssuer = new LinkedHashMap<>();
      List<Instance> opaque = new ArrayList<>();
      for (Map.Entry<String, AuthorizerProvider> entry : providers.entrySet()) {
        String name = entry.getKey();
        AuthorizerProvider provider = entry.getValue();
        ProviderContext context = contexts.apply(routed ? config.scoped(name) : config);
        String variable = routed ? PROVIDERS_VARIABLE : ProviderRegistry.VARIABLE;
        String what = routed ? "instance '" + name + "' (provider '" + provider.name() + "')"
            : "'" + provider.name() + "'";
        Instance instance;
        TokenRoute route = null;
        try {
          TokenValidator validator = provider.createValidator(context);
          ClaimMapper mapper = provider.createClaimMapper(context, standard);
          instance = new Instance(name, provider.name(), validator, mapper);
          if (routed) {
            route = provider.route(context);
          }
        } catch (ConfigurationException e) {
          throw e;
        } catch (RuntimeException e) {
          // A provider that fails at init for any other reason (e.g. an issuer that is not a URL) is still a
          // configuration error: the Lambda must come up denying (fromEnvironmentOrDenyAll), the CLI exit with 2.
          throw new ConfigurationException(variable, what + " could not be set up with this configuration: "
              + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
        instances.add(instance);
        if (!routed) {
          continue;
        }
        if (route == null || !route.isKnown()) {
          throw new ConfigurationException(PROVIDERS_VARIABLE, "lists " + what + ", which does not say which tokens "
              + "it is for (AuthorizerProvider.route), so it can only be the one provider of AUTHORIZER_PROVIDER");
        }
        for (String issuer : route.issuers()) {
          Instance previous = byIssuer.putIfAbsent(issuer, instance);
          if (previous != null) {
            throw new ConfigurationException(PROVIDERS_VARIABLE, "lists instances '" + previous.name() + "' and '"
                + name + "' for the same issuer '" + issuer + "'; a token must have exactly one instance");
          }
        }
        if (route.acceptsOpaqueTokens()) {
          opaque.add(instance);
        }
      }
      Instance opaqueInstance = routed ? opaqueInstance(opaque, instances) : null;
      return new ProviderInstances(instances, routed, byIssuer, opaqueInstance);
    }

    private Instance opaqueInstance(List<Instance> candidates, List<Instance> instances) {
      String variable = config.variable(OPAQUE_KEY);
      String chosen = config.optional(OPAQUE_KEY).map(v -> v.toLowerCase(Locale.ROOT)).orElse(null);
      if (chosen == null) {
        if (candidates.size() > 1) {
          throw new ConfigurationException(variable, "is required: instances " + candidates.stream()
              .map(Instance::name).toList() + " all accept opaque tokens; name the one that decides tokens that are"
              + " not JWTs, or none");
        }
        return candidates.isEmpty() ? null : candidates.get(0);
      }
      if (chosen.equals("none")) {
        return null;
      }
      for (Instance candidate : candidates) {
        if (candidate.name().equals(chosen)) {
          return candidate;
        }
      }
      throw new ConfigurationException(variable, "expects none or the name of an instance that accepts opaque tokens "
          + candidates.stream().map(Instance::name).toList() + ", got '" + chosen + "'"
          + (instances.stream().anyMatch(i -> i.name().equals(chosen)) ? " (it verifies JWTs only)" : ""));
    }
  }

  private final List<Instance> instances;
  private final boolean routed;
  private final Map<String, Instance> byIssuer;
  private final Instance opaque;

  private ProviderInstances(List<Instance> instances, boolean routed, Map<String, Instance> byIssuer,
      Instance opaque) {
    this.instances = List.copyOf(instances);
    this.routed = routed;
    this.byIssuer = Map.copyOf(byIssuer);
    this.opaque = opaque;
  }

  /** The instance name of a {@code name:provider} item of {@code AUTHORIZER_PROVIDERS}; empty without a colon. */
  static String instanceOf(String item) {
    int colon = item.indexOf(':');
    return colon < 0 ? "" : item.substring(0, colon).trim();
  }

  /** The provider of a {@code name:provider} item, lower-cased; empty without a colon. */
  static String providerOf(String item) {
    int colon = item.indexOf(':');
    return colon < 0 ? "" : item.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
  }

  /**
   * The providers the configuration names, for the metrics' {@code Provider} dimension of a decision no instance made
   * (a configuration error, an unreadable event, a token routed to no instance): the provider of
   * {@code AUTHORIZER_PROVIDER}, or each provider of {@code AUTHORIZER_PROVIDERS} once, in configuration order, joined
   * with {@code +} ({@code keycloak+cognito}); {@code none} when neither names one. Read from the raw variables, so that
   * it holds for a configuration that fails to build too; lower-cased and kept to {@code [a-z0-9._-]}, at most 64
   * characters, so that a mangled setting never becomes a wild dimension value.
   */
  static String configuredProviders(Configuration config) {
    java.util.Set<String> providers = new java.util.LinkedHashSet<>();
    config.optional("PROVIDER").ifPresent(name -> providers.add(dimensionSafe(name)));
    config.optional("PROVIDERS").ifPresent(list -> {
      for (String item : list.split(",")) {
        providers.add(dimensionSafe(providerOf(item)));
      }
    });
    providers.remove("");
    String joined = String.join("+", providers);
    if (joined.length() > 64) {
      joined = joined.substring(0, 64);
    }
    return joined.isEmpty() ? Metrics.UNCONFIGURED_PROVIDER : joined;
  }

  private static String dimensionSafe(String name) {
    return name.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "");
  }

  /**
   * Reads {@code AUTHORIZER_PROVIDER} or {@code AUTHORIZER_PROVIDERS} (exactly one of them) and finds the providers.
   *
   * @throws ConfigurationException naming the variable at fault
   */
  static Spec spec(Configuration config, ProviderRegistry registry) {
    boolean single = config.optional("PROVIDER").isPresent();
    boolean several = config.optional("PROVIDERS").isPresent();
    if (single && several) {
      throw new ConfigurationException(PROVIDERS_VARIABLE, "cannot be set together with " + ProviderRegistry.VARIABLE
          + ": use " + ProviderRegistry.VARIABLE + " for one provider, " + PROVIDERS_VARIABLE + " for several");
    }
    if (!several) {
      if (config.optional(OPAQUE_KEY).isPresent()) {
        throw new ConfigurationException(config.variable(OPAQUE_KEY), "chooses among the instances of "
            + PROVIDERS_VARIABLE + ", which is not set; with " + ProviderRegistry.VARIABLE + " the one provider decides"
            + " every token");
      }
      String name = config.required("PROVIDER", "the provider name, one of " + registry.names()
          + " (or " + PROVIDERS_VARIABLE + "=<name>:<provider>,... for several)");
      AuthorizerProvider provider = registry.named(name.toLowerCase(Locale.ROOT));
      Map<String, AuthorizerProvider> one = new LinkedHashMap<>();
      one.put(provider.name(), provider);
      return new Spec(one, false, config);
    }
    Map<String, AuthorizerProvider> providers = new LinkedHashMap<>();
    for (String item : config.list("PROVIDERS")) {
      String name = instanceOf(item);
      String providerName = providerOf(item);
      if (!NAME.matcher(name).matches() || providerName.isEmpty()) {
        throw new ConfigurationException(PROVIDERS_VARIABLE, "expects comma-separated <name>:<provider> pairs, e.g. "
            + "staff:keycloak,patients:cognito, with names of a lower-case letter and up to 31 lower-case letters "
            + "or digits, got '" + item + "'");
      }
      AuthorizerProvider provider;
      try {
        provider = registry.named(providerName);
      } catch (ConfigurationException e) {
        throw new ConfigurationException(PROVIDERS_VARIABLE, "lists instance '" + name + "' of provider '"
            + providerName + "', which is not on the class path; providers found: " + registry.names());
      }
      if (providers.putIfAbsent(name, provider) != null) {
        throw new ConfigurationException(PROVIDERS_VARIABLE, "lists instance name '" + name + "' twice");
      }
    }
    if (providers.isEmpty()) {
      throw new ConfigurationException(PROVIDERS_VARIABLE, "expects comma-separated <name>:<provider> pairs, e.g. "
          + "staff:keycloak,patients:cognito, got none");
    }
    // Every provider on the class path, not only those in use: a Keycloak setting next to two jwks instances is as
    // much a mistake as an issuer.
    Set<String> providerKeys = new java.util.TreeSet<>();
    registry.all().forEach(p -> providerKeys.addAll(p.settingNames()));
    providerKeys.removeAll(KnownSettings.HOST_KEYS);
    for (String key : providerKeys) {
      if (config.optional(key).isPresent()) {
        String example = Configuration.PREFIX + providers.keySet().iterator().next().toUpperCase(Locale.ROOT) + "_"
            + key;
        throw new ConfigurationException(config.variable(key), "is a provider setting, which " + PROVIDERS_VARIABLE
            + " does not read: set it for each instance, e.g. " + example);
      }
    }
    return new Spec(providers, true, config);
  }

  /** Whether tokens are routed among instances ({@code AUTHORIZER_PROVIDERS}). */
  boolean routed() {
    return routed;
  }

  /** The instances, in configuration order. */
  List<Instance> instances() {
    return instances;
  }

  /** The provider's name, or {@code name:provider,...} for several instances. */
  String description() {
    if (!routed) {
      return instances.get(0).provider();
    }
    return instances.stream().map(i -> i.name() + ":" + i.provider()).collect(Collectors.joining(","));
  }

  /** The instance with this name, or {@code null}. */
  Instance named(String name) {
    for (Instance instance : instances) {
      if (instance.name().equals(name)) {
        return instance;
      }
    }
    return null;
  }

  /**
   * One validator over every instance, for priming and tools: the only instance's own validator, or one that routes
   * each token as {@link #route} does and asks that instance.
   */
  TokenValidator validator() {
    return routed ? new RoutingValidator(this) : instances.get(0).validator();
  }

  /**
   * Routes each token as {@link #route} does and asks that instance's validator; passes the lifecycle through to every
   * instance (priming, restore, counters summed, diagnostics joined).
   */
  private record RoutingValidator(ProviderInstances instances) implements TokenValidator {
    @Override
    public ValidationResult validate(String token, HealthLakeRequest request) {
      Route route = instances.route(token);
      return route.instance() == null ? ValidationResult.rejected(route.rejection())
          : route.instance().validator().validate(token, request);
    }

    @Override
    public void prime(Duration timeout) {
      instances.instances().forEach(i -> i.validator().prime(timeout));
    }

    @Override
    public void refreshAfterRestore(Duration timeout) {
      instances.instances().forEach(i -> i.validator().refreshAfterRestore(timeout));
    }

    @Override
    public ValidatorCounters counters() {
      ValidatorCounters sum = ValidatorCounters.NONE;
      for (Instance instance : instances.instances()) {
        sum = sum.plus(instance.validator().counters());
      }
      return sum;
    }

    @Override
    public ValidatorDiagnostics diagnostics() {
      List<String> endpoints = new ArrayList<>();
      List<String> states = new ArrayList<>();
      List<String> problems = new ArrayList<>();
      for (Instance instance : instances.instances()) {
        ValidatorDiagnostics d = instance.validator().diagnostics();
        endpoints.addAll(d.endpoints());
        if (!d.state().isEmpty()) {
          states.add(instance.name() + ": " + d.state());
        }
        d.problems().forEach(p -> problems.add(instance.name() + ": " + p));
      }
      return new ValidatorDiagnostics("routed by issuer to " + instances.description(), endpoints,
          String.join("; ", states), problems);
    }

    @Override
    public String toString() {
      return "RoutingValidator[" + instances.description() + "]";
    }
  }

  /** The instance that decides this token (the bearer token as the validator will see it), without validating it. */
  Route route(String token) {
    if (!routed) {
      return new Route(instances.get(0), null);
    }
    if (token.length() > MAX_TOKEN_BYTES) {
      return refuse(ReasonCode.TOKEN_TOO_LARGE, "token longer than " + MAX_TOKEN_BYTES + " bytes");
    }
    Map<String, Object> claims = unverifiedClaims(token);
    if (claims == null) {
      if (looksLikeJws(token)) {
        return refuse(ReasonCode.MALFORMED_TOKEN, "a JWT whose payload cannot be read, so it cannot be routed");
      }
      return opaque != null ? new Route(opaque, null)
          : refuse(ReasonCode.MALFORMED_TOKEN, "not a JWT, and no instance takes opaque tokens");
    }
    if (!(claims.get("iss") instanceof String issuer)) {
      return refuse(ReasonCode.INVALID_ISSUER, "a JWT without iss cannot be routed to an instance");
    }
    Instance instance = byIssuer.get(issuer);
    return instance != null ? new Route(instance, null)
        : refuse(ReasonCode.INVALID_ISSUER, "iss is not the issuer of any configured instance");
  }

  /**
   * The unverified claims of what looks like a compact JWS (three non-empty segments, a JSON header and payload), or
   * {@code null} when the token is not one. Only for routing (the instance it goes to verifies the token strictly,
   * base64url, JSON and signature alike) and for the {@code iss} a refused token claims ({@link Decision.Origin}).
   */
  static Map<String, Object> unverifiedClaims(String token) {
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (first <= 0 || second <= first + 1 || second == token.length() - 1 || token.indexOf('.', second + 1) >= 0
        || jsonObject(token.substring(0, first)) == null) {
      return null;
    }
    return jsonObject(token.substring(first + 1, second));
  }

  /** Whether the token starts with a base64url JSON object and a dot, as a JWS (or JWE) header would. */
  private static boolean looksLikeJws(String token) {
    int dot = token.indexOf('.');
    return dot > 0 && jsonObject(token.substring(0, dot)) != null;
  }

  /** A base64url segment (no padding) read as a strict JSON object, or {@code null}. */
  private static Map<String, Object> jsonObject(String segment) {
    if (segment.indexOf('=') >= 0) {
      return null;
    }
    try {
      return StrictJson.parseObject(Base64.getUrlDecoder().decode(segment));
    } catch (IllegalArgumentException | StrictJson.MalformedJsonException e) {
      return null;
    }
  }

  private static Route refuse(ReasonCode reason, String detail) {
    return new Route(null, Rejection.of(reason, detail));
  }
}
