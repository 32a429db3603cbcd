package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.AuthPayload;
import io.github.smartauthorizer.api.ClaimMapper;
import io.github.smartauthorizer.api.Deadline;
import io.github.smartauthorizer.api.HealthLakeRequest;
import io.github.smartauthorizer.api.HealthLakeResponse;
import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.Rejection;
import io.github.smartauthorizer.api.TokenTimes;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.ValidationResult;
import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.api.spi.SecretSource;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

/**
 * The decision core shared by the Lambda handler, the command-line tool and the local demo: HealthLake event bytes in,
 * response out. Built once from {@code AUTHORIZER_*} configuration; immutable and thread-safe afterwards.
 *
 * <p>It never throws for a request and never authorizes by accident: an unreadable event, a refused token, a failing
 * IdP and a fault of its own all end in a well-formed deny with a {@link ReasonCode}, and one JSON log line per
 * decision (outcome, reason, provider, operation, data store, latency, a short token hash, the token's issuer and
 * client, whether it was the environment's first decision; never the token).
 */
public final class Authorizer {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);
  /** The default request budget: what a request may take from its event's arrival, every remote call included. */
  static final Duration DEFAULT_REQUEST_BUDGET = Duration.ofMillis(700);
  private static final Duration DEFAULT_INIT_TIMEOUT = Duration.ofMillis(3000);

  private final String providerName;
  private final String configuredProviders;
  private final ProviderInstances instances;
  private final AccessPolicy access;
  private final String iamRoleArn;
  private final JsonLog log;
  private final ConfigurationException configurationError;
  private final Metrics metrics;
  private final Duration requestBudget;
  private final List<String> settingWarnings;
  /** The shadow configuration decided next to this one, or {@code null}. */
  private volatile ShadowConfiguration shadow;
  /** Until the first decision is recorded: the environment's cold start (priming decisions are never recorded). */
  private final AtomicBoolean cold = new AtomicBoolean(true);

  private Authorizer(String providerName, String configuredProviders, ProviderInstances instances,
      AccessPolicy access, String iamRoleArn, JsonLog log, ConfigurationException configurationError, Metrics metrics,
      Duration requestBudget, List<String> settingWarnings) {
    this.providerName = providerName;
    this.configuredProviders = configuredProviders;
    this.instances = instances;
    this.access = access;
    this.iamRoleArn = iamRoleArn;
    this.log = log;
    this.configurationError = configurationError;
    this.metrics = metrics;
    this.requestBudget = requestBudget;
    this.settingWarnings = List.copyOf(settingWarnings);
  }

  /** One warning per {@code AUTHORIZER_*} variable nothing reads ({@link KnownSettings}), for {@code check}. */
  List<String> settingWarnings() {
    return settingWarnings;
  }

  /** The provider instances, for {@code check}; empty when misconfigured. */
  List<ProviderInstances.Instance> instances() {
    return instances == null ? List.of() : instances.instances();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The authorizer for the process environment; when the configuration is wrong, one that logs the error once and
   * denies every request with {@code CONFIGURATION_ERROR} (a Lambda that failed init would give HealthLake nothing to
   * read).
   */
  public static Authorizer fromEnvironmentOrDenyAll() {
    Builder builder = builder().environment(System.getenv());
    try {
      return builder.build();
    } catch (ConfigurationException e) {
      return builder.misconfigured(e);
    }
  }

  /** The provider's name ({@code name:provider,...} with several instances), or {@code null} when misconfigured. */
  public String providerName() {
    return providerName;
  }

  /**
   * The validator, for priming (SnapStart) and tests: the provider's own, or with several instances one that routes
   * each token to its instance; {@code null} when misconfigured.
   */
  TokenValidator validator() {
    return instances == null ? null : instances.validator();
  }

  /** The validator of every provider instance, for priming ({@link SnapStartPriming}); empty when misconfigured. */
  List<TokenValidator> validators() {
    return instances == null ? List.of()
        : instances.instances().stream().map(ProviderInstances.Instance::validator).toList();
  }

  /**
   * The role of authorized requests ({@code iamRoleARN}), for the {@code check} command; with a role mapping, the
   * default role and how many rules choose per request.
   */
  String iamRoleArn() {
    return access == null ? iamRoleArn : access.describeRoles();
  }

  /** Decides one HealthLake event and logs the decision; returns the response JSON. */
  public byte[] handle(byte[] event, String requestId) {
    return handle(event, requestId, Deadline.none());
  }

  /**
   * Decides one HealthLake event within the request budget and {@code latest} (the Lambda's own remaining time), and
   * logs the decision; returns the response JSON.
   */
  public byte[] handle(byte[] event, String requestId, Deadline latest) {
    Deadline deadline = requestBudget == null ? latest : Deadline.after(requestBudget).earlier(latest);
    Decision decision = decide(event, deadline);
    logDecision(decision, requestId);
    byte[] response = HealthLakeResponses.toJson(decision.response());
    ShadowConfiguration other = shadow;
    if (other != null) {
      other.compare(event, decision, deadline, requestId);
    }
    return response;
  }

  /** Decides one HealthLake event within the request budget, without logging it. Never throws. */
  public Decision decide(byte[] event) {
    return decide(event, Deadline.none());
  }

  /**
   * Decides one HealthLake event without logging it. The request's {@link Deadline} is set now, on arrival: the
   * request budget ({@code AUTHORIZER_REQUEST_BUDGET_MS}), or {@code latest} when that is earlier. Every remote call
   * and lock wait of the request shares it. Never throws.
   */
  public Decision decide(byte[] event, Deadline latest) {
    long start = System.nanoTime();
    Deadline deadline = requestBudget == null ? latest : Deadline.after(requestBudget).earlier(latest);
    HealthLakeRequest request = null;
    try {
      if (configurationError != null) {
        return deny(start, null, HealthLakeEvents.endpointOrNull(event),
            Rejection.of(ReasonCode.CONFIGURATION_ERROR, configurationError.getMessage()));
      }
      try {
        request = HealthLakeEvents.parse(event, deadline);
      } catch (HealthLakeEvents.InvalidEventException e) {
        return deny(start, null, e.endpoint(), Rejection.of(ReasonCode.INVALID_REQUEST, e.getMessage()));
      }
      ProviderInstances.Route route = instances.route(request.bearerToken());
      if (route.instance() == null) {
        return deny(start, request, request.datastoreEndpoint(), route.rejection(), null,
            Decision.Origin.claimedBy(request.bearerToken()));
      }
      String instance = instances.routed() ? route.instance().name() : null;
      ValidationResult result = route.instance().validator().validate(request.bearerToken(), request);
      if (result instanceof ValidationResult.Accepted accepted) {
        Decision.Origin origin = Decision.Origin.of(accepted.token());
        AuthPayload payload = route.instance().mapper().map(accepted.token(), request);
        if (!payload.isAuthorized()) {
          return deny(start, request, request.datastoreEndpoint(),
              Rejection.of(ReasonCode.INSUFFICIENT_SCOPE, "the claim mapper refused the token"), instance, origin);
        }
        AccessPolicy.Outcome outcome = access.decide(accepted.token(), payload, request, route.instance().name());
        if (outcome.rejection() != null) {
          return deny(start, request, request.datastoreEndpoint(), outcome.rejection(), instance, origin);
        }
        return new Decision(new HealthLakeResponse(outcome.payload(), outcome.role()), null, null,
            request.operationName(), request.datastoreIdOrDerived().orElse(null),
            TokenFingerprint.of(request.bearerToken()), System.nanoTime() - start, instance, origin);
      }
      Rejection rejection = ((ValidationResult.Rejected) result).rejection();
      return deny(start, request, request.datastoreEndpoint(), rejection, instance,
          Decision.Origin.claimedBy(request.bearerToken()));
    } catch (Throwable fault) {
      logFault(fault, request);
      String endpoint = request != null ? request.datastoreEndpoint() : HealthLakeEvents.endpointOrNull(event);
      return deny(start, request, endpoint,
          Rejection.of(ReasonCode.INTERNAL_ERROR, "fault: " + fault.getClass().getSimpleName()));
    }
  }

  /**
   * Logs a fault like {@link JsonLog}'s loggers do, but with the bearer token (and each of its segments) cut out of the
   * message: a provider's or library's exception message may quote the token, which must never be logged.
   */
  private void logFault(Throwable fault, HealthLakeRequest request) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("logger", Authorizer.class.getName());
    line.put("message", "fault while deciding; denied");
    line.put("error", fault.getClass().getName());
    line.put("errorMessage", redact(fault.getMessage(), request == null ? null : request.bearerToken()));
    StackTraceElement[] trace = fault.getStackTrace();
    if (trace.length > 0) {
      line.put("at", trace[0].toString());
    }
    log.write(Level.ERROR, line);
  }

  static String redact(String message, String token) {
    if (message == null || token == null || token.isEmpty()) {
      return message;
    }
    String redacted = message.replace(token, "[token]");
    for (String segment : token.split("\\.")) {
      if (segment.length() >= 8) {
        redacted = redacted.replace(segment, "[token]");
      }
    }
    return redacted;
  }

  private Decision deny(long start, HealthLakeRequest request, String endpoint, Rejection rejection) {
    return deny(start, request, endpoint, rejection, null, Decision.Origin.NONE);
  }

  private Decision deny(long start, HealthLakeRequest request, String endpoint, Rejection rejection,
      String instance, Decision.Origin origin) {
    AuthPayload payload = AuthPayload.deny(endpoint, rejection.times());
    return new Decision(new HealthLakeResponse(payload, denyRole()), rejection.reason(),
        rejection.detail(), request == null ? null : request.operationName(),
        request == null ? null : request.datastoreIdOrDerived().orElse(null),
        request == null ? null : TokenFingerprint.of(request.bearerToken()), System.nanoTime() - start, instance,
        origin);
  }

  /** The role a deny carries: the default role, or the role mapping's ({@link RoleMapping#denyRole()}), or none. */
  private String denyRole() {
    return access != null ? access.denyRole() : iamRoleArn == null ? "" : iamRoleArn;
  }

  /**
   * Logs one decision and records its metrics; the first decision recorded is the execution environment's cold start
   * (the Lambda builds one authorizer per environment; SnapStart priming only calls {@link #decide}).
   */
  void logDecision(Decision decision, String requestId) {
    boolean coldStart = cold.getAndSet(false);
    String provider = decision.instance() == null ? null : instances.named(decision.instance()).provider();
    Decision.Origin origin = decision.origin();
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("logger", "decision");
    line.put("requestId", requestId);
    line.put("outcome", decision.authorized() ? "ALLOW" : "DENY");
    line.put("reason", decision.reason() == null ? null : decision.reason().name());
    line.put("detail", decision.detail());
    line.put("provider", provider == null ? providerName : provider);
    line.put("instance", decision.instance());
    line.put("operationName", decision.operationName());
    line.put("datastoreId", decision.datastoreId());
    line.put("latencyMs", Math.round(decision.latencyNanos() / 10_000.0) / 100.0);
    line.put("token", decision.tokenFingerprint());
    line.put(origin.verified() ? "iss" : "claimedIss", origin.issuer());
    line.put("client", origin.client());
    line.put("coldStart", coldStart);
    Level level = decision.reason() != null && decision.reason().isEnvironmentFault() ? Level.WARNING : Level.INFO;
    log.write(level, line);
    // The dimension is the provider (e.g. "keycloak"), never an instance name; a decision no instance made (a
    // configuration error included) counts under the configured providers, where an alarm on them looks.
    metrics.record(decision, provider == null ? configuredProviders : provider, decision.instance(), coldStart,
        requestId);
  }

  /** Builds an {@link Authorizer}; not thread-safe. */
  public static final class Builder {
    private Map<String, String> environment = Map.of();
    private SecretSource secrets;
    private Clock clock = Clock.systemUTC();
    private PrintStream logStream = System.err;
    private PrintStream metricsStream;
    private UnaryOperator<SecretSource> secretsDecorator = UnaryOperator.identity();
    private List<AuthorizerProvider> providers;
    private boolean metricsOnInLambda = true;

    private Builder() {}

    /** The variables to read ({@code AUTHORIZER_*}); the Lambda passes the process environment. */
    public Builder environment(Map<String, String> value) {
      this.environment = Map.copyOf(value);
      return this;
    }

    /**
     * Where secrets come from; default: AWS Secrets Manager, whose SDK client is built only when a provider first reads
     * a secret.
     */
    public Builder secrets(SecretSource value) {
      this.secrets = value;
      return this;
    }

    public Builder clock(Clock value) {
      this.clock = value;
      return this;
    }

    /** Where JSON log lines go; default standard error. */
    public Builder logStream(PrintStream value) {
      this.logStream = value;
      return this;
    }

    /** Where CloudWatch EMF metric lines go when metrics are on ({@link Metrics}); default standard output. */
    public Builder metricsStream(PrintStream value) {
      this.metricsStream = value;
      return this;
    }

    /**
     * Metrics off unless {@code AUTHORIZER_METRICS=on}, even where {@code AWS_LAMBDA_FUNCTION_NAME} is set: the
     * command-line tool's default.
     */
    Builder metricsOffUnlessAsked() {
      this.metricsOnInLambda = false;
      return this;
    }

    /** Wraps the secret source the provider is given (the {@code check} command records which secrets are read). */
    Builder secretsDecorator(UnaryOperator<SecretSource> value) {
      this.secretsDecorator = value;
      return this;
    }

    /** Explicit providers instead of those found with {@link java.util.ServiceLoader} (tests, embedding). */
    public Builder providers(List<AuthorizerProvider> value) {
      this.providers = List.copyOf(value);
      return this;
    }

    /**
     * Reads and validates the configuration, builds the provider's validator (which may prefetch keys) and returns
     * the authorizer.
     *
     * @throws ConfigurationException naming the first variable that is missing or wrong
     */
    public Authorizer build() {
      ProviderRegistry registry = providers != null ? ProviderRegistry.of(providers)
          : ProviderRegistry.load(Authorizer.class.getClassLoader());
      InitWarmup.start(registry, environment);
      Configuration config = Configuration.of(environment);
      JsonLog log = new JsonLog(logStream, clock, logLevel(config));
      Metrics metrics = Metrics.fromConfiguration(config, environment, metricsOnInLambda, metricsOut(), clock);
      ProviderInstances.Spec spec = ProviderInstances.spec(config, registry);
      String role = RoleMapping.defaultRole(config);
      RoleMapping roles = RoleMapping.fromConfiguration(config, role, spec.names(), Authorizer.class.getClassLoader());
      Duration timeout = config.millis("TIMEOUT_MS", DEFAULT_TIMEOUT, 50, 900);
      Duration initTimeout = config.millis("INIT_TIMEOUT_MS", DEFAULT_INIT_TIMEOUT, 50, 9_000);
      Duration requestBudget = config.millis("REQUEST_BUDGET_MS", DEFAULT_REQUEST_BUDGET, 100, 950);
      SecretSource secretSource = secretsDecorator.apply(
          secrets != null ? secrets : new SecretsManagerSecretSource(initTimeout, timeout));
      String patientClaim = config.optional("PATIENT_CLAIM").orElse("patient");
      AccessPolicy access = new AccessPolicy(SmartScopePolicy.fromConfiguration(config, patientClaim), roles);
      ClaimMapper standard = new StandardClaimMapper(
          config.optional("FHIR_USER_CLAIM").orElse("fhirUser"), patientClaim);
      ProviderInstances instances = spec.build(
          scoped -> new HostContext(scoped, secretSource, clock, timeout, initTimeout, log), standard);
      Set<String> known = new java.util.TreeSet<>(KnownSettings.hostVariables());
      known.addAll(spec.providerVariables());
      List<String> warnings = KnownSettings.warnings(ShadowConfiguration.withoutShadow(environment), known);
      for (String warning : warnings) {
        log.write(Level.WARNING, Map.of("logger", "init", "message", warning));
      }
      log.write(Level.INFO, Map.of("logger", "init", "message", "authorizer ready", "provider",
          instances.description()));
      Authorizer live = new Authorizer(instances.description(), ProviderInstances.configuredProviders(config), instances,
          access, role, log, null, metrics.observing(instances.validator()), requestBudget, warnings);
      if (ShadowConfiguration.configured(environment)) {
        live.shadow = shadow(secretSource, log, metrics);
      }
      return live;
    }

    /** The shadow configuration ({@link ShadowConfiguration}), or {@code null} when it cannot be built (logged). */
    private ShadowConfiguration shadow(SecretSource secretSource, JsonLog log, Metrics metrics) {
      log.write(Level.INFO, Map.of("logger", "shadow", "message", "building the shadow configuration ("
          + ShadowConfiguration.PREFIX + "*)"));
      Builder builder = builder().environment(ShadowConfiguration.environment(environment)).secrets(secretSource)
          .clock(clock).logStream(logStream).metricsStream(metricsOut());
      if (providers != null) {
        builder.providers(providers);
      }
      try {
        return new ShadowConfiguration(builder.build(), log, metrics);
      } catch (ConfigurationException e) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("logger", "shadow");
        line.put("message", "shadow configuration error; no shadow decisions (the live configuration is unaffected): "
            + e.getMessage().replace(Configuration.PREFIX, ShadowConfiguration.PREFIX));
        line.put("variable", e.variable().replace(Configuration.PREFIX, ShadowConfiguration.PREFIX));
        log.write(Level.WARNING, line);
        return null;
      }
    }

    /** An authorizer that denies everything because of a configuration error, which it logs once now. */
    Authorizer misconfigured(ConfigurationException error) {
      JsonLog log = new JsonLog(logStream, clock, Level.INFO);
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("logger", "init");
      line.put("message", "configuration error; every request will be denied: " + error.getMessage());
      line.put("variable", error.variable());
      log.write(Level.ERROR, line);
      Configuration config = Configuration.of(environment);
      String role = config.optional("IAM_ROLE_ARN").orElse("");
      Metrics metrics;
      try {
        metrics = Metrics.fromConfiguration(config, environment, metricsOnInLambda, metricsOut(), clock);
      } catch (ConfigurationException e) {
        metrics = Metrics.off();
      }
      return new Authorizer(null, ProviderInstances.configuredProviders(config), null, null, role, log, error,
          metrics, null, List.of());
    }

    private PrintStream metricsOut() {
      return metricsStream != null ? metricsStream : System.out;
    }

    private static Level logLevel(Configuration config) {
      String level = config.choice("LOG_LEVEL", "info", Set.of("debug", "info", "warning", "error"));
      return Level.valueOf(level.toUpperCase(Locale.ROOT));
    }
  }
}
