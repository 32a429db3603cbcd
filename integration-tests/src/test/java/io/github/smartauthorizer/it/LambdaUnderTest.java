package io.github.smartauthorizer.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.smartauthorizer.api.ReasonCode;
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
 *
 * <p>Nothing is retried behind a test's back: {@link #invoke} decides once and fails on {@code IDP_UNAVAILABLE};
 * only {@link #warmUp}, which a test calls for a first decision with the reason it expects Keycloak to be still warming
 * up, retries, counting and printing each retry; {@link #invokeDuringOutage} takes any outcome.
 */
final class LambdaUnderTest {
  /** The Secrets Manager secret the introspecting setups name in {@code AUTHORIZER_CLIENT_SECRET_ID}. */
  static final String SECRET_ID = "smart-authorizer/keycloak-introspection";
  /** How often {@link #warmUp} retries a first decision denied {@code IDP_UNAVAILABLE}. */
  static final int WARM_UP_RETRIES = 2;

  private static final String IDP_UNAVAILABLE = ReasonCode.IDP_UNAVAILABLE.name();
  /** The retries of {@link #warmUp} in this run (this JVM), in all tests. */
  private static final AtomicInteger RUN_WARM_UP_RETRIES = new AtomicInteger();

  private final Authorizer authorizer;
  private final ByteArrayOutputStream log;
  private final ByteArrayOutputStream metrics;
  private final AtomicInteger requests = new AtomicInteger();
  /** Whether this authorizer has decided without {@code IDP_UNAVAILABLE}: from then on, nothing is retried. */
  private boolean warm;

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
   * One invocation, exactly once, of an authorizer whose IdP is expected to answer: a deny {@code IDP_UNAVAILABLE}
   * fails the test at once. Keycloak is up, and warm (see {@link #warmUp}), so such a deny is a fault of the
   * authorizer or of the test setup, which a retry would hide.
   */
  Invocation invoke(String endpoint, String token) {
    Invocation invocation = invokeDuringOutage(endpoint, token);
    if (IDP_UNAVAILABLE.equals(invocation.reason())) {
      fail("denied IDP_UNAVAILABLE although Keycloak is up" + (warm ? " and this authorizer had decided before" : "")
          + "; decisions are never retried (only warmUp retries, and only the first decision): " + invocation);
    }
    warm = true;
    return invocation;
  }

  /**
   * The first decision of this authorizer, made while Keycloak may still be warming up: Keycloak's first answers to a
   * kind of request are slow (class loading, compilation), and on a busy machine with two cores one of them can take
   * longer than the request budget. A deny {@code IDP_UNAVAILABLE} is retried, at most {@value #WARM_UP_RETRIES}
   * times, a second apart; every retry is printed with {@code why} and the number of retries so far in the run. Fails
   * when the authorizer has decided before (a later {@code IDP_UNAVAILABLE} is a fault, not a warm-up) or when Keycloak
   * is still unavailable after the retries.
   *
   * @param why why the test expects Keycloak to be still warming up here
   */
  Invocation warmUp(String endpoint, String token, String why) {
    if (warm) {
      fail("warmUp after this authorizer had already decided: only its first decision may be retried (" + why + ")");
    }
    Invocation invocation = invokeDuringOutage(endpoint, token);
    for (int retry = 1; retry <= WARM_UP_RETRIES && IDP_UNAVAILABLE.equals(invocation.reason()); retry++) {
      System.out.printf("Keycloak warm-up retry %d (%d in this run): %s; denied IDP_UNAVAILABLE (%s) after %d ms%n",
          retry, RUN_WARM_UP_RETRIES.incrementAndGet(), why, invocation.detail(), invocation.elapsed().toMillis());
      sleep(Duration.ofSeconds(1));
      invocation = invokeDuringOutage(endpoint, token);
    }
    if (IDP_UNAVAILABLE.equals(invocation.reason())) {
      fail("Keycloak still unavailable after " + WARM_UP_RETRIES + " warm-up retries (" + why + "): " + invocation);
    }
    warm = true;
    return invocation;
  }

  /**
   * One invocation, exactly once, whatever its outcome, {@code IDP_UNAVAILABLE} included: for the tests that make
   * Keycloak fail.
   */
  Invocation invokeDuringOutage(String endpoint, String token) {
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
    List<Map<String, Object>> metricLines = DecisionLog.linesOf(metricText, requestId);
    String json = new String(response, StandardCharsets.UTF_8);
    return new Invocation(json, Jwts.json(json), DecisionLog.ofRequest(logText, requestId),
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
