package io.github.smartauthorizer.api;

import io.github.smartauthorizer.api.spi.ValidatorCounters;
import io.github.smartauthorizer.api.spi.ValidatorDiagnostics;
import java.time.Duration;

/**
 * Decides whether a bearer token is a valid access token for a HealthLake request, and if so returns its verified,
 * normalized claims.
 *
 * <p>Implementations are built once at Lambda init from validated configuration and are then immutable and
 * <strong>thread-safe</strong>. A bad token, or an identity provider that fails, is a {@link ValidationResult.Rejected}
 * with a {@link ReasonCode}, never an exception; an exception that escapes anyway is treated by the handler as
 * {@link ReasonCode#INTERNAL_ERROR} and the request is denied. Implementations must finish well within the 1-second
 * budget HealthLake gives the whole invocation: every remote call needs a timeout, and every call made for a request
 * ends by the request's {@link HealthLakeRequest#deadline() deadline}.
 *
 * <p><b>Lifecycle.</b> Besides {@link #validate}, the host calls the default methods below, the same way for a built-in
 * and a custom provider: {@link #prime} before a SnapStart checkpoint, {@link #refreshAfterRestore} after a restore,
 * {@link #diagnostics} for the {@code check} command, {@link #counters} for the metrics. A validator that wraps another
 * (to route, or to add to its answers) passes them through.
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

  /**
   * Prepares for requests before a SnapStart checkpoint (once per published version, off any request's path): fetch
   * what requests will need (keys), open and warm connections (an introspection client), and run the code a first
   * decision runs. Must not decide or remember anything about a real token. Never throws; failures are logged.
   *
   * @param timeout the longest any remote call here may take ({@code AUTHORIZER_INIT_TIMEOUT_MS})
   */
  default void prime(Duration timeout) {}

  /**
   * Refreshes after a SnapStart restore, when the snapshot may be hours old: fetch keys again (a rotation happened
   * meanwhile), reopen connections (pooled ones died with the snapshot). Never throws; failures are logged.
   *
   * @param timeout the longest any remote call here may take
   */
  default void refreshAfterRestore(Duration timeout) {}

  /** What the {@code check} command prints about this validator; the default names its class only. */
  default ValidatorDiagnostics diagnostics() {
    return ValidatorDiagnostics.of("by " + getClass().getName());
  }

  /** Counts for the metrics (key fetches, IdP calls, cache hits); the default counts nothing. */
  default ValidatorCounters counters() {
    return ValidatorCounters.NONE;
  }
}
