package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.api.spi.ValidatorCounters;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Decision metrics as CloudWatch Embedded Metric Format (EMF): one JSON line per decision, which CloudWatch Logs turns
 * into metrics without an agent, an SDK call or a dependency. Immutable configuration; thread-safe.
 *
 * <p>Each line declares, in namespace {@code SmartAuthorizer} (or {@code AUTHORIZER_METRICS_NAMESPACE}), the dimension
 * sets {@code [FunctionName]}, {@code [FunctionName, Provider, Outcome]} and {@code [FunctionName, Provider, Reason]}
 * and the metrics {@code Decisions} (Count, always 1), {@code EnvironmentFaults} (Count, 1 for
 * {@code IDP_UNAVAILABLE}, {@code CONFIGURATION_ERROR} and {@code INTERNAL_ERROR}), {@code Latency} (Milliseconds) and,
 * from the validator's {@link ValidatorCounters} (the same for a built-in and a custom provider, and summed over the
 * instances of {@code AUTHORIZER_PROVIDERS}), {@code JwksFetches} (key fetches), {@code IdpCalls} (calls to the IdP
 * about a token) and {@code CacheHits} (answers taken from a cache), each a Count since the previous line, the init
 * work included. An allow has {@code Reason: NONE}. The line of an execution environment's first decision also
 * declares, as Powertools for AWS Lambda does, {@code ColdStart} (Count, 1) in a directive of its own with the one
 * dimension set {@code [FunctionName]}.
 *
 * <p>{@code FunctionName} is {@code AWS_LAMBDA_FUNCTION_NAME} ({@value #LOCAL_FUNCTION} outside Lambda), so that two
 * stacks' metrics never merge. {@code Provider} is the provider ({@code keycloak}), never an instance name; under
 * {@code AUTHORIZER_PROVIDERS} the instance that decided is the property {@code Instance}. The function's version
 * ({@code FunctionVersion}, from {@code AWS_LAMBDA_FUNCTION_VERSION}) and the request id ({@code requestId}) are
 * properties of the line (searchable in Logs Insights), never dimensions: a value per deployment or per request would
 * be a new metric each time.
 *
 * <p>On by default when running in Lambda ({@code AWS_LAMBDA_FUNCTION_NAME} is set), off elsewhere and always off by
 * default in the command-line tool; {@code AUTHORIZER_METRICS=on} or {@code off} decides explicitly.
 */
final class Metrics {
  static final String DEFAULT_NAMESPACE = "SmartAuthorizer";
  static final String UNCONFIGURED_PROVIDER = "none";
  /** The {@code FunctionName} outside Lambda (metrics switched on in the tool or a test). */
  static final String LOCAL_FUNCTION = "local";
  private static final int MAX_FUNCTION_VALUE = 256;
  private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9._#:/ -]{1,255}");
  private static final List<List<String>> DECISION_DIMENSIONS = List.of(List.of("FunctionName"),
      List.of("FunctionName", "Provider", "Outcome"), List.of("FunctionName", "Provider", "Reason"));
  private static final List<List<String>> COLD_START_DIMENSIONS = List.of(List.of("FunctionName"));
  private static final Metrics OFF = new Metrics(null, null, null, null, null, null);

  private final PrintStream out;
  private final String namespace;
  private final Clock clock;
  private final String functionName;
  private final String functionVersion;
  private final Supplier<ValidatorCounters> counters;
  private final AtomicReference<ValidatorCounters> reported = new AtomicReference<>(ValidatorCounters.NONE);

  private Metrics(PrintStream out, String namespace, Clock clock, String functionName, String functionVersion,
      Supplier<ValidatorCounters> counters) {
    this.out = out;
    this.namespace = namespace;
    this.clock = clock;
    this.functionName = functionName;
    this.functionVersion = functionVersion;
    this.counters = counters;
  }

  /** Metrics that record nothing. */
  static Metrics off() {
    return OFF;
  }

  /**
   * Metrics as configured: {@code AUTHORIZER_METRICS} ({@code on} or {@code off}; by default {@code on} exactly when
   * {@code onInLambda} and {@code AWS_LAMBDA_FUNCTION_NAME} is in {@code environment}) and
   * {@code AUTHORIZER_METRICS_NAMESPACE}; the function's name and version from {@code environment}.
   *
   * @param onInLambda whether the default follows the environment (the handler) or is off (the command-line tool)
   * @throws ConfigurationException when either setting is malformed
   */
  static Metrics fromConfiguration(Configuration config, Map<String, String> environment, boolean onInLambda,
      PrintStream out, Clock clock) {
    String function = environment.get("AWS_LAMBDA_FUNCTION_NAME");
    boolean inLambda = function != null && !function.isBlank();
    String setting = config.choice("METRICS", onInLambda && inLambda ? "on" : "off", Set.of("on", "off"));
    String namespace = config.optional("METRICS_NAMESPACE").orElse(DEFAULT_NAMESPACE);
    if (!NAMESPACE.matcher(namespace).matches()) {
      throw new ConfigurationException(config.variable("METRICS_NAMESPACE"),
          "expects a CloudWatch namespace of at most 255 letters, digits and . _ # : / - or space, got '"
              + namespace + "'");
    }
    if (!setting.equals("on")) {
      return OFF;
    }
    String version = environment.get("AWS_LAMBDA_FUNCTION_VERSION");
    return new Metrics(out, namespace, clock, inLambda ? capped(function.trim()) : LOCAL_FUNCTION,
        version == null || version.isBlank() ? null : capped(version.trim()), null);
  }

  private static String capped(String value) {
    return value.length() <= MAX_FUNCTION_VALUE ? value : value.substring(0, MAX_FUNCTION_VALUE);
  }

  /** These metrics, also reporting the counters of {@code validator} (any provider's, through the api). */
  Metrics observing(TokenValidator validator) {
    if (!enabled()) {
      return this;
    }
    return new Metrics(out, namespace, clock, functionName, functionVersion, validator::counters);
  }

  boolean enabled() {
    return out != null;
  }

  /**
   * Writes the EMF line of one decision; does nothing when off.
   *
   * @param provider the {@code Provider} dimension: the provider that decided, or those configured
   * @param instance the instance that decided under {@code AUTHORIZER_PROVIDERS}, or {@code null}
   * @param coldStart whether this is the execution environment's first decision
   */
  void record(Decision decision, String provider, String instance, boolean coldStart, String requestId) {
    if (!enabled()) {
      return;
    }
    List<Map<String, String>> definitions = new ArrayList<>();
    definitions.add(metric("Decisions", "Count"));
    definitions.add(metric("EnvironmentFaults", "Count"));
    definitions.add(metric("Latency", "Milliseconds"));
    List<Map<String, Object>> directives = new ArrayList<>();
    directives.add(directive(DECISION_DIMENSIONS, definitions));
    if (coldStart) {
      directives.add(directive(COLD_START_DIMENSIONS, List.of(metric("ColdStart", "Count"))));
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("_aws", Map.of("Timestamp", clock.millis(), "CloudWatchMetrics", directives));
    line.put("FunctionName", functionName);
    line.put("FunctionVersion", functionVersion);
    line.put("Provider", provider == null ? UNCONFIGURED_PROVIDER : provider);
    line.put("Instance", instance);
    line.put("Outcome", decision.authorized() ? "ALLOW" : "DENY");
    line.put("Reason", decision.reason() == null ? "NONE" : decision.reason().name());
    line.put("Decisions", 1L);
    line.put("EnvironmentFaults", decision.reason() != null && decision.reason().isEnvironmentFault() ? 1L : 0L);
    line.put("Latency", Math.round(decision.latencyNanos() / 10_000.0) / 100.0);
    if (counters != null) {
      ValidatorCounters now = counters.get();
      ValidatorCounters before = reported.getAndSet(now);
      definitions.add(metric("JwksFetches", "Count"));
      definitions.add(metric("IdpCalls", "Count"));
      definitions.add(metric("CacheHits", "Count"));
      line.put("JwksFetches", Math.max(0L, now.keyFetches() - before.keyFetches()));
      line.put("IdpCalls", Math.max(0L, now.idpCalls() - before.idpCalls()));
      line.put("CacheHits", Math.max(0L, now.cacheHits() - before.cacheHits()));
    }
    if (coldStart) {
      line.put("ColdStart", 1L);
    }
    line.put("requestId", requestId);
    String text = JsonText.object(line);
    synchronized (out) {
      out.println(text);
    }
  }

  /** Writes one {@code ShadowDisagreements} line ({@link ShadowConfiguration}); does nothing when off. */
  void recordShadowDisagreement(String requestId) {
    if (!enabled()) {
      return;
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("_aws", Map.of("Timestamp", clock.millis(), "CloudWatchMetrics",
        List.of(directive(COLD_START_DIMENSIONS, List.of(metric("ShadowDisagreements", "Count"))))));
    line.put("FunctionName", functionName);
    line.put("FunctionVersion", functionVersion);
    line.put("ShadowDisagreements", 1L);
    line.put("requestId", requestId);
    String text = JsonText.object(line);
    synchronized (out) {
      out.println(text);
    }
  }

  private Map<String, Object> directive(List<List<String>> dimensions, List<Map<String, String>> definitions) {
    Map<String, Object> directive = new LinkedHashMap<>();
    directive.put("Namespace", namespace);
    directive.put("Dimensions", dimensions);
    directive.put("Metrics", definitions);
    return directive;
  }

  private static Map<String, String> metric(String name, String unit) {
    Map<String, String> definition = new LinkedHashMap<>();
    definition.put("Name", name);
    definition.put("Unit", unit);
    return definition;
  }
}
