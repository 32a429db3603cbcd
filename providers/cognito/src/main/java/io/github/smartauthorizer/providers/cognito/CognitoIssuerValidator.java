package io.github.smartauthorizer.providers.cognito;

import io.github.smartauthorizer.api.HealthLakeRequest;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.ValidationResult;
import io.github.smartauthorizer.api.spi.ValidatorCounters;
import io.github.smartauthorizer.api.spi.ValidatorDiagnostics;
import io.github.smartauthorizer.providers.shared.CompactJws;
import io.github.smartauthorizer.providers.shared.JwtValidator;
import io.github.smartauthorizer.providers.shared.TokenRejectedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The validator of a user pool with several issuer forms ({@link CognitoProvider#issuers}): one {@link JwtValidator}
 * per form, each requiring its own {@code iss} exactly and holding the key cache of its own JWKS location. A token
 * goes, by its still unverified {@code iss}, to the validator of that form, which then verifies it fully (signature
 * and {@code iss} included); a token naming no form, or not parsable, goes to the first (the home Region's original
 * issuer), so that it is refused exactly as a single-issuer validator refuses it ({@code INVALID_ISSUER} once the
 * signature holds, the front door's or the signature's reason before that). Immutable and thread-safe.
 */
final class CognitoIssuerValidator implements TokenValidator {
  /** The largest {@code AUTHORIZER_MAX_TOKEN_BYTES}: the chosen validator enforces the configured limit. */
  private static final int MAX_TOKEN_BYTES = 65_536;

  private final Map<String, JwtValidator> byIssuer;
  private final JwtValidator first;
  private final List<JwtValidator> fetching;

  /**
   * @param byIssuer the validator of each issuer form, the home Region's original issuer first
   * @param fetching one validator per distinct key cache, for the lifecycle, diagnostics and counters
   */
  CognitoIssuerValidator(Map<String, JwtValidator> byIssuer, List<JwtValidator> fetching) {
    this.byIssuer = Map.copyOf(byIssuer);
    this.first = byIssuer.values().iterator().next();
    this.fetching = List.copyOf(fetching);
  }

  @Override
  public ValidationResult validate(String bearerToken, HealthLakeRequest request) {
    return validator(bearerToken).validate(bearerToken, request);
  }

  private JwtValidator validator(String token) {
    Object iss;
    try {
      iss = CompactJws.parse(token, MAX_TOKEN_BYTES).payload().get("iss");
    } catch (TokenRejectedException | RuntimeException e) {
      return first;
    }
    JwtValidator validator = iss instanceof String issuer ? byIssuer.get(issuer) : null;
    return validator == null ? first : validator;
  }

  /** Primes the first validator (keys and decision path), then fetches the keys of every other location. */
  @Override
  public void prime(Duration timeout) {
    first.prime(timeout);
    for (JwtValidator validator : fetching) {
      if (validator != first) {
        validator.refreshAfterRestore(timeout);
      }
    }
  }

  @Override
  public void refreshAfterRestore(Duration timeout) {
    fetching.forEach(validator -> validator.refreshAfterRestore(timeout));
  }

  /**
   * Every JWKS location with its keys (each state prefixed by its location when there are several); a problem for each
   * location that holds none.
   */
  @Override
  public ValidatorDiagnostics diagnostics() {
    boolean several = fetching.size() > 1;
    Set<String> endpoints = new LinkedHashSet<>();
    List<String> states = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (JwtValidator validator : fetching) {
      ValidatorDiagnostics one = validator.diagnostics();
      endpoints.addAll(one.endpoints());
      String where = several ? String.join(", ", one.endpoints()) + ": " : "";
      states.add(where + one.state());
      one.problems().forEach(problem -> problems.add(where + problem));
    }
    return new ValidatorDiagnostics("JWTs of " + byIssuer.size() + " issuer forms of one Cognito user pool, verified "
        + "locally against the JWKS of each", List.copyOf(endpoints), String.join("; ", states), problems);
  }

  /** The key fetches of every location. */
  @Override
  public ValidatorCounters counters() {
    ValidatorCounters sum = ValidatorCounters.NONE;
    for (JwtValidator validator : fetching) {
      sum = sum.plus(validator.counters());
    }
    return sum;
  }
}
