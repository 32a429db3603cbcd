package io.github.smartauthorizer.api.spi;

import io.github.smartauthorizer.api.Deadline;

/**
 * Where a provider gets secrets, such as introspection client credentials, without knowing the secret store. The
 * Lambda implements it with AWS Secrets Manager; tests and custom hosts may pass any implementation.
 *
 * <p>Each call reads the secret afresh, so a provider calls it once at init, keeps the value in memory, and calls it
 * again only when the IdP tells it the credentials are wrong (a rotated secret). Implementations are thread-safe and
 * bound every remote call by a timeout.
 *
 * <p>A failure says whether it may pass ({@link SecretUnavailableException#isRetryable()}: a timeout, throttling, a
 * server error) or is a configuration error (not found, access denied, malformed), so that a provider can retry the
 * first kind later instead of refusing every request until the execution environment is recycled.
 */
@FunctionalInterface
public interface SecretSource {

  /**
   * Reads a secret's string value.
   *
   * @param secretId the secret's name or ARN
   * @return the secret string, never {@code null}
   * @throws SecretUnavailableException when the secret cannot be read
   */
  String secretString(String secretId);

  /**
   * Reads a secret's string value during a request, waiting at most until {@code deadline}. The default ignores the
   * deadline and calls {@link #secretString(String)}: a source that makes remote calls should override it.
   *
   * @param secretId the secret's name or ARN
   * @param deadline the request's deadline
   * @return the secret string, never {@code null}
   * @throws SecretUnavailableException when the secret cannot be read (also when the deadline has passed)
   */
  default String secretString(String secretId, Deadline deadline) {
    if (deadline.isExpired()) {
      throw new SecretUnavailableException("secret " + secretId + " not read: the request deadline has passed", null,
          true);
    }
    return secretString(secretId);
  }

  /** A source that has no secrets at all. */
  static SecretSource none() {
    return id -> {
      throw new SecretUnavailableException("no secret source is configured (secret " + id + ")");
    };
  }
}
