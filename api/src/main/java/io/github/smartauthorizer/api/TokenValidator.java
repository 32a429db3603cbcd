package io.github.smartauthorizer.api;

/**
 * Decides whether a bearer token is a valid access token for a HealthLake request, and if so returns its verified,
 * normalized claims.
 *
 * <p>Implementations are built once at Lambda init from validated configuration and are then immutable and
 * <strong>thread-safe</strong>. A bad token, or an identity provider that fails, is a {@link ValidationResult.Rejected}
 * with a {@link ReasonCode}, never an exception; an exception that escapes anyway is treated by the handler as
 * {@link ReasonCode#INTERNAL_ERROR} and the request is denied. Implementations must finish well within the 1-second
 * budget HealthLake gives the whole invocation: every remote call needs a timeout.
 */
@FunctionalInterface
public interface TokenValidator {

  /**
   * Validates a token.
   *
   * @param bearerToken the token, without a {@code Bearer } prefix; never {@code null}, possibly garbage
   * @param request the HealthLake request the token came with (its endpoint is the default audience)
   * @return accepted with the verified claims, or rejected with a reason; never {@code null}
   */
  ValidationResult validate(String bearerToken, HealthLakeRequest request);
}
