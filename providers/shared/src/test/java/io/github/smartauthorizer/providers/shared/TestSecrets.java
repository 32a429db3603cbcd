package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.spi.SecretSource;
import io.github.smartauthorizer.api.spi.SecretUnavailableException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A map-backed {@link SecretSource} standing in for AWS Secrets Manager: values can be replaced (a rotation) and every
 * read is counted. Thread-safe. Shared with other modules through the test-jar.
 */
public final class TestSecrets implements SecretSource {
  private final Map<String, String> values = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();

  /** A source holding one secret. */
  public static TestSecrets of(String secretId, String value) {
    return new TestSecrets().put(secretId, value);
  }

  /** The secret string Secrets Manager would hold for these credentials, with the default key names. */
  public static String credentialsJson(String clientId, String clientSecret) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("client_id", clientId);
    json.put("client_secret", clientSecret);
    return TestKeys.json(json);
  }

  /** Sets (or rotates) a secret. */
  public TestSecrets put(String secretId, String value) {
    values.put(secretId, value);
    return this;
  }

  /** Removes a secret: reads of it fail from now on. */
  public TestSecrets remove(String secretId) {
    values.remove(secretId);
    return this;
  }

  /** How many times this secret was read (successfully or not). */
  public int reads(String secretId) {
    AtomicInteger count = reads.get(secretId);
    return count == null ? 0 : count.get();
  }

  /** How many reads of any secret there were. */
  public int reads() {
    return reads.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  @Override
  public String secretString(String secretId) {
    reads.computeIfAbsent(secretId, id -> new AtomicInteger()).incrementAndGet();
    String value = values.get(secretId);
    if (value == null) {
      throw new SecretUnavailableException("secret " + secretId + " not found");
    }
    return value;
  }
}
