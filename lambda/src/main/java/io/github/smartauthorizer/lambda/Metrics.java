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
 * sets {@code [Provider, Outcome]} and {@code [Provider, Reason]} and the metrics {@code Decisions} (Count, always 1),
 * {@code EnvironmentFaults} (Count, 1 for {@code IDP_UNAVAILABLE}, {@code CONFIGURATION_ERROR} and
 * {@code INTERNAL_ERROR}), {@code Latency} (Milliseconds) and, from the validator's {@link ValidatorCounters} (the
 * same for a built-in and a custom provider, and summed over the instances of {@code AUTHORIZER_PROVIDERS}),
 * {@code JwksFetches} (key fetches), {@code IdpCalls} (calls to the IdP about a token) and {@code CacheHits} (answers
 * taken from a cache), each a Count since the previous line, the init work included. An allow has
 * {@code Reason: NONE}. The request id is a property of the line (searchable in Logs Insights), never a dimension.
 *
 * <p>On by default when running in Lambda ({@code AWS_LAMBDA_FUNCTION_NAME} is set), off elsewhere;
 * {@code AUTHORIZER_METRICS=on} or {@code off} decides explicitly.
 */
final class Metrics {
  static final String DEFAULT_NAMESPACE = "SmartAuthorizer";
  static final String UNCONFIGURED_PROVIDER = "none";
  private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9._#:/ -]{1,255}");
  private static final Metrics OFF = new Metrics(null, null, null, null);

  private final PrintStream out;
  private final String namespace;
  private final Clock clock;
  private final Supplier<ValidatorCounters> counters;
  private final AtomicReference<ValidatorCounters> reported = new AtomicReference<>(ValidatorCounters.NONE);

  private Metrics(PrintStream out, String namespace, Clock clock, Supplier<ValidatorCounters> counters) {
    this.out = out;
    this.namespace = namespace;
    this.clock = clock;
    this.counters = counters;
  }

  /** Metrics that record nothing. */
  static Metrics off() {
    return OFF;
  }

  /**
   * Metrics as configured: {@code AUTHORIZER_METRICS} ({@code on} or {@code off}; default {@code on} exactly when
   * {@code AWS_LAMBDA_FUNCTION_NAME} is in {@code environment}) and {@code AUTHORIZER_METRICS_NAMESPACE}.
   *
   * @throws ConfigurationException when either is malformed
   */
  static Metrics fromConfiguration(Configuration config, Map<String, String> environment, PrintStream out,
      Clock clock) {
    boolean inLambda = environment.containsKey("AWS_LAMBDA_FUNCTION_NAME");
    String setting = config.choice("METRICS", inLambda ? "on" : "off", Set.of("on", "off"));
    String namespace = config.optional("METRICS_NAMESPACE").orElse(DEFAULT_NAMESPACE);
    if (!NAMESPACE.matcher(namespace).matches()) {
      throw new ConfigurationException(config.variable("METRICS_NAMESPACE"),
          "expects a CloudWatch namespace of at most 255 letters, digits and . _ # : / - or space, got '"
              + namespace + "'");
    }
    return setting.equals("on") ? new Metrics(out, namespace, clock, null) : OFF;
  }

  /** These metrics, also reporting the counters of {@code validator} (any provider's, through the api). */
  Metrics observing(TokenValidator validator) {
    if (!enabled()) {
      return this;
    }
    return new Metrics(out, namespace, clock, validator::counters);
  }

  boolean enabled() {
    return out != null;
  }

  /** Writes the EMF line of one decision; does nothing when off. */
  void record(Decision decision, String provider, String requestId) {
    if (!enabled()) {
      return;
    }
    List<Map<String, String>> definitions = new ArrayList<>();
    definitions.add(metric("Decisions", "Count"));
    definitions.add(metric("EnvironmentFaults", "Count"));
    definitions.add(metric("Latency", "Milliseconds"));
    Map<String, Object> line = new LinkedHashMap<>();
    Map<String, Object> directive = new LinkedHashMap<>();
    directive.put("Namespace", namespace);
    directive.put("Dimensions", List.of(List.of("Provider", "Outcome"), List.of("Provider", "Reason")));
    directive.put("Metrics", definitions);
    line.put("_aws", Map.of("Timestamp", clock.millis(), "CloudWatchMetrics", List.of(directive)));
    line.put("Provider", provider == null ? UNCONFIGURED_PROVIDER : provider);
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
    line.put("requestId", requestId);
    String text = JsonText.object(line);
    synchronized (out) {
      out.println(text);
    }
  }

  private static Map<String, String> metric(String name, String unit) {
    Map<String, String> definition = new LinkedHashMap<>();
    definition.put("Name", name);
    definition.put("Unit", unit);
    return definition;
  }
}
