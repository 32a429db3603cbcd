package io.github.smartauthorizer.api.spi;

/**
 * Where a provider gets secrets, such as introspection client credentials, without knowing the secret store. The
 * Lambda implements it with AWS Secrets Manager; tests and custom hosts may pass any implementation.
 *
 * <p>Each call reads the secret afresh, so a provider calls it once at init, keeps the value in memory, and calls it
 * again only when the IdP tells it the credentials are wrong (a rotated secret). Implementations are thread-safe and
 * bound every remote call by a timeout.
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

  /** A source that has no secrets at all. */
  static SecretSource none() {
    return id -> {
      throw new SecretUnavailableException("no secret source is configured (secret " + id + ")");
    };
  }
}
