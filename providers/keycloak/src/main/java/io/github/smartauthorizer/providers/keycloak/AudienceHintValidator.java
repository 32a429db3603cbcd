package io.github.smartauthorizer.providers.keycloak;

import io.github.smartauthorizer.api.HealthLakeRequest;
import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.Rejection;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.ValidationResult;
import io.github.smartauthorizer.api.spi.ValidatorCounters;
import io.github.smartauthorizer.api.spi.ValidatorDiagnostics;
import java.time.Duration;
import java.util.Objects;

/**
 * The validator of introspection mode: the introspection validator, with {@link KeycloakProvider#AUDIENCE_HINT} added
 * to the detail of every {@code INACTIVE_TOKEN} deny. Every lifecycle method passes through, so that the host primes,
 * refreshes, diagnoses and counts the introspection validator itself. Immutable and thread-safe.
 */
final class AudienceHintValidator implements TokenValidator {
  private final TokenValidator introspection;

  AudienceHintValidator(TokenValidator introspection) {
    this.introspection = Objects.requireNonNull(introspection, "introspection");
  }

  @Override
  public ValidationResult validate(String bearerToken, HealthLakeRequest request) {
    ValidationResult result = introspection.validate(bearerToken, request);
    if (result instanceof ValidationResult.Rejected rejected
        && rejected.rejection().reason() == ReasonCode.INACTIVE_TOKEN) {
      Rejection r = rejected.rejection();
      return ValidationResult.rejected(new Rejection(r.reason(), r.detail() + " (" + KeycloakProvider.AUDIENCE_HINT
          + ")", r.times()));
    }
    return result;
  }

  @Override
  public void prime(Duration timeout) {
    introspection.prime(timeout);
  }

  @Override
  public void refreshAfterRestore(Duration timeout) {
    introspection.refreshAfterRestore(timeout);
  }

  @Override
  public ValidatorDiagnostics diagnostics() {
    return introspection.diagnostics();
  }

  @Override
  public ValidatorCounters counters() {
    return introspection.counters();
  }
}
