package io.github.smartauthorizer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.smartauthorizer.api.spi.SecretSource;
import io.github.smartauthorizer.api.spi.SecretUnavailableException;
import io.github.smartauthorizer.it.keycloak.Jwts;
import io.github.smartauthorizer.it.keycloak.SmartRealm;
import io.github.smartauthorizer.lambda.Authorizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The authorizer as the Lambda runs it: built once from {@code AUTHORIZER_*} variables through
 * {@link Authorizer#builder()} (what {@code HealthLakeAuthorizerHandler} does at init), then invoked with HealthLake
 * event bytes through {@link Authorizer#handle} (what its {@code handleRequest} does with the stream), which decides,
 * writes the decision log line and the metric line, and returns the response bytes HealthLake reads.
 *
 * <p>Log and metric lines are captured: every invocation returns its own lines, and checks that neither the token nor
 * its signature reached them.
 */
final class LambdaUnderTest {
  /** The Secrets Manager secret the introspecting setups name in {@code AUTHORIZER_CLIENT_SECRET_ID}. */
  static final String SECRET_ID = "smart-authorizer/keycloak-introspection";

  private final Authorizer authorizer;
  private final ByteArrayOutputStream log;
  private final ByteArrayOutputStream metrics;
  private final AtomicInteger requests = new AtomicInteger();

  private LambdaUnderTest(Authorizer authorizer, ByteArrayOutputStream log, ByteArrayOutputStream metrics) {
    this.authorizer = authorizer;
    this.log = log;
    this.metrics = metrics;
  }

  /** Init with the system clock. */
  static LambdaUnderTest init(Map<String, String> environment) {
    return init(environment, Clock.systemUTC());
  }

  /**
   * Init: reads the variables, builds the provider (prefetching keys, reading the secret) and fails the test with the
   * configuration error if there is one.
   */
  static LambdaUnderTest init(Map<String, String> environment, Clock clock) {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    ByteArrayOutputStream metrics = new ByteArrayOutputStream();
    Authorizer authorizer = Authorizer.builder()
        .environment(environment)
        .clock(clock)
        .secrets(secrets())
        .logStream(new PrintStream(log, true, StandardCharsets.UTF_8))
        .metricsStream(new PrintStream(metrics, true, StandardCharsets.UTF_8))
        .build();
    return new LambdaUnderTest(authorizer, log, metrics);
  }

  /**
   * Secrets Manager as the Lambda would see it: {@link #SECRET_ID} holds the introspecting client's credentials, in
   * the shape the README documents.
   */
  static SecretSource secrets() {
    return id -> {
      if (id.equals(SECRET_ID)) {
        return "{\"client_id\":\"" + SmartRealm.AUTHORIZER_CLIENT + "\",\"client_secret\":\""
            + SmartRealm.AUTHORIZER_SECRET + "\"}";
      }
      throw new SecretUnavailableException("no secret " + id);
    };
  }

  /**
   * One invocation, repeated (at most twice, a second apart) only when it was denied {@code IDP_UNAVAILABLE}: on a
   * machine whose two cores are shared with other builds, a Keycloak call can now and then exceed the per-call timeout.
   * A test about outages uses {@link #invokeOnce}.
   */
  Invocation invoke(String endpoint, String token) {
    Invocation invocation = invokeOnce(endpoint, token);
    for (int retry = 1; retry <= 2 && "IDP_UNAVAILABLE".equals(invocation.reason()); retry++) {
      System.out.printf("note: a decision was denied IDP_UNAVAILABLE (%s) after %d ms; retry %d on a busy machine%n",
          invocation.detail(), invocation.elapsed().toMillis(), retry);
      sleep(Duration.ofSeconds(1));
      invocation = invokeOnce(endpoint, token);
    }
    return invocation;
  }

  /** One invocation, exactly once. */
  Invocation invokeOnce(String endpoint, String token) {
    String requestId = "it-request-" + requests.incrementAndGet();
    byte[] event = HealthLakeContract.event(endpoint, token).getBytes(StandardCharsets.UTF_8);
    long started = System.nanoTime();
    byte[] response = authorizer.handle(event, requestId);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    String logText = logText();
    String metricText = metricText();
    String signature = token.substring(token.lastIndexOf('.') + 1);
    assertFalse(logText.contains(token), "the token reached the log");
    assertFalse(metricText.contains(token), "the token reached the metrics");
    if (signature.length() >= 16) {
      assertFalse(logText.contains(signature), "the token's signature reached the log");
    }
    List<Map<String, Object>> decisionLines = linesOf(logText, requestId);
    assertEquals(1, decisionLines.size(), "one decision log line per invocation:\n" + logText);
    List<Map<String, Object>> metricLines = linesOf(metricText, requestId);
    String json = new String(response, StandardCharsets.UTF_8);
    return new Invocation(json, Jwts.json(json), decisionLines.get(0),
        metricLines.isEmpty() ? Map.of() : metricLines.get(0), elapsed);
  }

  /** Everything logged so far (JSON lines). */
  String logText() {
    return log.toString(StandardCharsets.UTF_8);
  }

  /** Every metric line so far (CloudWatch EMF, when {@code AUTHORIZER_METRICS=on}). */
  String metricText() {
    return metrics.toString(StandardCharsets.UTF_8);
  }

  /** The lines of one request (its decision line, or its metric line). */
  private static List<Map<String, Object>> linesOf(String text, String requestId) {
    return text.lines()
        .filter(line -> line.contains("\"" + requestId + "\""))
        .map(Jwts::json)
        .filter(line -> requestId.equals(line.get("requestId")))
        .toList();
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * What one invocation gave.
   *
   * @param responseJson the bytes HealthLake reads, as text
   * @param response the same, parsed
   * @param decisionLog the decision's JSON log line
   * @param metrics its EMF metric line, or empty when metrics are off
   * @param elapsed how long {@code handle} took, measured around the call
   */
  record Invocation(String responseJson, Map<String, Object> response, Map<String, Object> decisionLog,
      Map<String, Object> metrics, Duration elapsed) {

    Map<String, Object> payload() {
      return Jwts.asObject(response.get("authPayload"));
    }

    boolean authorized() {
      return Boolean.TRUE.equals(payload().get("isAuthorized"));
    }

    /** The reason code of a deny, {@code null} for an allow. */
    String reason() {
      return (String) decisionLog.get("reason");
    }

    String detail() {
      return (String) decisionLog.get("detail");
    }

    /** JWKS fetches since the previous metric line (the one at init included), from the metric line. */
    long jwksFetches() {
      return metrics.get("JwksFetches") instanceof Long n ? n : 0L;
    }

    @Override
    public String toString() {
      return responseJson + " reason=" + reason() + " detail=" + detail() + " in " + elapsed.toMillis() + " ms";
    }
  }
}
