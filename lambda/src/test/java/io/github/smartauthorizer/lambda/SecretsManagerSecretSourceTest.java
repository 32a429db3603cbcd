package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.spi.SecretUnavailableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The real SDK client, configured as in production, against a loopback Secrets Manager. */
class SecretsManagerSecretSourceTest {
  private static final Duration TIMEOUT = Duration.ofMillis(300);
  private static final String SECRET_ID = "smart/introspection-client";
  private static final String SECRET = "{\"client_id\":\"smart-app\",\"client_secret\":\"s3cr3t \\\"quoted\\\" ü\"}";

  private final List<SecretsManagerClient> clients = new CopyOnWriteArrayList<>();
  private final AtomicInteger clientsBuilt = new AtomicInteger();
  private SecretsManagerLoopback loopback;
  private SecretsManagerSecretSource source;

  /**
   * Loads the SDK's classes once with a generous timeout: the first call in a JVM spends several hundred milliseconds
   * in class loading inside the timed pipeline, which would make the timings below measure the JVM, not the code.
   */
  @BeforeAll
  static void warmUpTheSdk() throws IOException {
    try (SecretsManagerLoopback warm = new SecretsManagerLoopback()) {
      warm.putSecret("warm-up", "x");
      try (SecretsManagerClient client = testClient(Duration.ofSeconds(10), warm)) {
        assertEquals("x", new SecretsManagerSecretSource(() -> client).secretString("warm-up"));
      }
    }
  }

  @BeforeEach
  void start() throws IOException {
    loopback = new SecretsManagerLoopback();
    source = new SecretsManagerSecretSource(this::loopbackClient);
  }

  @AfterEach
  void stop() {
    clients.forEach(SecretsManagerClient::close);
    loopback.close();
  }

  @Test
  void returnsTheSecretStringExactly() {
    loopback.putSecret(SECRET_ID, SECRET);

    assertEquals(SECRET, source.secretString(SECRET_ID));
    assertEquals(1, loopback.requests());
  }

  @Test
  void missingSecretIsNotFound() {
    SecretUnavailableException e = assertThrows(SecretUnavailableException.class, () -> source.secretString("nope"));

    assertTrue(e.getMessage().contains("secret nope"), e.getMessage());
    assertTrue(e.getMessage().contains("not found"), e.getMessage());
  }

  @Test
  void refusedSecretIsAccessDenied() {
    loopback.putSecret(SECRET_ID, SECRET);
    loopback.failWith(SECRET_ID, "AccessDeniedException");

    SecretUnavailableException e = assertThrows(SecretUnavailableException.class, () -> source.secretString(SECRET_ID));

    assertTrue(e.getMessage().contains("secret " + SECRET_ID), e.getMessage());
    assertTrue(e.getMessage().contains("access denied"), e.getMessage());
    assertTrue(e.getMessage().contains("HTTP 400"), e.getMessage());
  }

  @Test
  void otherServiceErrorsNameTheErrorCode() {
    loopback.failWith(SECRET_ID, "DecryptionFailure");

    SecretUnavailableException e = assertThrows(SecretUnavailableException.class, () -> source.secretString(SECRET_ID));

    assertTrue(e.getMessage().contains("DecryptionFailure"), e.getMessage());
  }

  @Test
  void binaryOnlySecretHasNoSecretString() {
    loopback.putBinarySecret(SECRET_ID, SECRET.getBytes(StandardCharsets.UTF_8));

    SecretUnavailableException e = assertThrows(SecretUnavailableException.class, () -> source.secretString(SECRET_ID));

    assertTrue(e.getMessage().contains("has no SecretString"), e.getMessage());
  }

  @Test
  void endpointDownFailsWithinTheTimeout() {
    warmUp();
    loopback.close();

    long start = System.nanoTime();
    SecretUnavailableException e = assertThrows(SecretUnavailableException.class, () -> source.secretString(SECRET_ID));
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    assertTrue(e.getMessage().contains("Secrets Manager unreachable"), e.getMessage());
    assertTrue(elapsed.compareTo(TIMEOUT) < 0, "took " + elapsed);
  }

  @Test
  void slowEndpointFailsInWellUnderTwiceTheTimeout() {
    warmUp();
    loopback.putSecret(SECRET_ID, SECRET);
    loopback.delay(TIMEOUT.multipliedBy(5));

    long start = System.nanoTime();
    SecretUnavailableException e = assertThrows(SecretUnavailableException.class, () -> source.secretString(SECRET_ID));
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    assertTrue(e.getMessage().contains("Secrets Manager unreachable"), e.getMessage());
    assertTrue(elapsed.compareTo(TIMEOUT.multipliedBy(2)) < 0, "took " + elapsed);
    assertEquals(2, loopback.requests(), "one warm-up request and one attempt, no retry");
    assertSecretNotIn(e);
  }

  @Test
  void everyCallReadsAfreshSoRotationIsSeen() {
    loopback.putSecret(SECRET_ID, "first");
    assertEquals("first", source.secretString(SECRET_ID));

    loopback.putSecret(SECRET_ID, "rotated");
    assertEquals("rotated", source.secretString(SECRET_ID));

    assertEquals(2, loopback.requests());
  }

  @Test
  void clientIsBuiltOnFirstUseAndOnlyOnce() {
    assertEquals(0, clientsBuilt.get());

    loopback.putSecret(SECRET_ID, SECRET);
    source.secretString(SECRET_ID);
    source.secretString(SECRET_ID);
    assertThrows(SecretUnavailableException.class, () -> source.secretString("nope"));

    assertEquals(1, clientsBuilt.get());
  }

  @Test
  void failuresThatMayPassAreRetryableAndConfigurationErrorsAreNot() {
    Map<String, Boolean> retryable = new java.util.LinkedHashMap<>();
    loopback.failWith("throttled", "ThrottlingException");
    retryable.put("throttled", true);
    loopback.failWith("server-error", "InternalServiceError", 500);
    retryable.put("server-error", true);
    loopback.failWith("denied", "AccessDeniedException");
    retryable.put("denied", false);
    loopback.failWith("bad-request", "InvalidRequestException");
    retryable.put("bad-request", false);
    retryable.put("missing", false); // not found
    loopback.putBinarySecret("binary", new byte[] {1, 2, 3});
    retryable.put("binary", false);

    retryable.forEach((id, expected) -> assertEquals(expected,
        assertThrows(SecretUnavailableException.class, () -> source.secretString(id)).isRetryable(), id));
  }

  @Test
  void aTimeoutIsRetryable() {
    warmUp();
    loopback.putSecret(SECRET_ID, SECRET);
    loopback.delay(TIMEOUT.multipliedBy(3));

    assertTrue(assertThrows(SecretUnavailableException.class, () -> source.secretString(SECRET_ID)).isRetryable());
  }

  @Test
  void aReadDuringARequestEndsByTheRequestDeadline() {
    warmUp();
    loopback.putSecret(SECRET_ID, SECRET);
    loopback.delay(Duration.ofSeconds(2));
    io.github.smartauthorizer.api.Deadline deadline =
        io.github.smartauthorizer.api.Deadline.after(Duration.ofMillis(100));

    long start = System.nanoTime();
    SecretUnavailableException e =
        assertThrows(SecretUnavailableException.class, () -> source.secretString(SECRET_ID, deadline));
    long ms = (System.nanoTime() - start) / 1_000_000;

    assertTrue(e.isRetryable(), e.getMessage());
    assertTrue(ms < TIMEOUT.toMillis(), "bounded by the 100 ms left, not the 300 ms timeout: " + ms + " ms");
    assertThrows(SecretUnavailableException.class, () -> source.secretString(SECRET_ID, deadline),
        "nothing is started once the deadline has passed");
  }

  @Test
  void failuresNeverCarryTheSecretValue() {
    loopback.putSecret(SECRET_ID, SECRET);
    loopback.failWith(SECRET_ID, "AccessDeniedException");
    assertSecretNotIn(assertThrows(SecretUnavailableException.class, () -> source.secretString(SECRET_ID)));

    loopback.putBinarySecret("binary", SECRET.getBytes(StandardCharsets.UTF_8));
    assertSecretNotIn(assertThrows(SecretUnavailableException.class, () -> source.secretString("binary")));
  }

  @Test
  void unreadableResponseIsNamedWithoutItsContent() {
    String value = SECRET.replace("\"", "'");
    loopback.putRawResponse(SECRET_ID, "{\"Name\":\"" + SECRET_ID + "\",\"SecretString\":\"" + value);

    SecretUnavailableException e = assertThrows(SecretUnavailableException.class, () -> source.secretString(SECRET_ID));

    assertTrue(e.getMessage().contains("could not be read"), e.getMessage());
    assertSecretNotIn(e, value);
  }

  @Test
  void clientThatCannotBeBuiltIsUnavailableNotACrash() {
    SecretsManagerSecretSource unconfigured = new SecretsManagerSecretSource(() -> {
      throw SdkClientException.create("Unable to load region from any of the providers in the chain");
    });

    SecretUnavailableException e =
        assertThrows(SecretUnavailableException.class, () -> unconfigured.secretString(SECRET_ID));

    assertTrue(e.getMessage().contains("secret " + SECRET_ID), e.getMessage());
    assertTrue(e.getMessage().contains("Unable to load region"), e.getMessage());
  }

  @Test
  void productionConstructorHonoursTheStandardEndpointOverride() {
    loopback.putSecret(SECRET_ID, SECRET);
    // The system-property forms of AWS_REGION, the credentials and AWS_ENDPOINT_URL_SECRETS_MANAGER.
    Map<String, String> properties = Map.of(
        "aws.region", "us-east-1",
        "aws.accessKeyId", "test",
        "aws.secretAccessKey", "test",
        "aws.endpointUrlSecretsManager", loopback.uri().toString());
    Map<String, String> previous = new HashMap<>();
    properties.forEach((key, value) -> previous.put(key, System.setProperty(key, value)));
    try {
      assertEquals(SECRET, new SecretsManagerSecretSource(TIMEOUT, TIMEOUT).secretString(SECRET_ID));
      assertEquals(1, loopback.requests());
    } finally {
      previous.forEach((key, value) -> {
        if (value == null) {
          System.clearProperty(key);
        } else {
          System.setProperty(key, value);
        }
      });
    }
  }

  private SecretsManagerClient loopbackClient() {
    clientsBuilt.incrementAndGet();
    SecretsManagerClient client = testClient(TIMEOUT, loopback);
    clients.add(client);
    return client;
  }

  /** The production client configuration, pointed at the loopback with test credentials. */
  private static SecretsManagerClient testClient(Duration timeout, SecretsManagerLoopback endpoint) {
    return SecretsManagerSecretSource.clientBuilder(timeout)
        .endpointOverride(endpoint.uri())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .build();
  }

  /** One successful call, so that timings measure the call and not this client's construction. */
  private void warmUp() {
    loopback.putSecret("warm-up", "x");
    assertEquals("x", source.secretString("warm-up"));
  }

  private static void assertSecretNotIn(Throwable e) {
    assertSecretNotIn(e, SECRET);
  }

  private static void assertSecretNotIn(Throwable e, String secret) {
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    for (String part : List.of(secret, "s3cr3t")) {
      assertFalse(trace.toString().contains(part), "exception chain leaks the secret:\n" + trace);
    }
  }
}
