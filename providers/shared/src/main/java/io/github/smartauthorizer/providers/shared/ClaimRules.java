package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.TokenTimes;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The claim rules every validator applies the same way, JWT or introspection: the time claims, the exact issuer and
 * the audience. Each throws {@link TokenRejectedException} with the rule's reason code.
 */
public final class ClaimRules {
  private ClaimRules() {}

  /**
   * Reads {@code exp} (required), {@code nbf} and {@code iat} (one of them required: HealthLake needs an {@code nbf}).
   *
   * @throws TokenRejectedException {@code MISSING_CLAIM}
   */
  public static TokenTimes times(Map<String, Object> claims) throws TokenRejectedException {
    try {
      Long exp = Claims.numericDate(claims, "exp").orElseThrow(
          () -> new TokenRejectedException(ReasonCode.MISSING_CLAIM, "exp is required"));
      Long nbf = Claims.numericDate(claims, "nbf").orElse(null);
      Long iat = Claims.numericDate(claims, "iat").orElse(null);
      if (nbf == null && iat == null) {
        throw new TokenRejectedException(ReasonCode.MISSING_CLAIM, "iat or nbf is required (HealthLake needs nbf)");
      }
      return new TokenTimes(iat, nbf, exp);
    } catch (IllegalArgumentException e) {
      throw new TokenRejectedException(ReasonCode.MISSING_CLAIM, "a time claim is not a valid NumericDate");
    }
  }

  /**
   * {@code exp} not passed, {@code nbf} and {@code iat} not in the future, each with the clock skew.
   *
   * @throws TokenRejectedException {@code EXPIRED} or {@code NOT_YET_VALID}
   */
  public static void checkTimes(TokenTimes times, Clock clock, Duration clockSkew) throws TokenRejectedException {
    long now = clock.instant().getEpochSecond();
    long skew = clockSkew.toSeconds();
    if (now > times.expiresAt() + skew) {
      throw new TokenRejectedException(ReasonCode.EXPIRED, "exp has passed");
    }
    if (times.notBefore() != null && times.notBefore() > now + skew) {
      throw new TokenRejectedException(ReasonCode.NOT_YET_VALID, "nbf is in the future");
    }
    if (times.issuedAt() != null && times.issuedAt() > now + skew) {
      throw new TokenRejectedException(ReasonCode.NOT_YET_VALID, "iat is in the future");
    }
  }

  /**
   * {@code iss} equals the expected issuer exactly (no normalization).
   *
   * @throws TokenRejectedException {@code INVALID_ISSUER}
   */
  public static void checkIssuer(Map<String, Object> claims, String expected) throws TokenRejectedException {
    if (!expected.equals(claims.get("iss"))) {
      throw new TokenRejectedException(ReasonCode.INVALID_ISSUER, "iss is not the configured issuer");
    }
  }

  /**
   * {@code aud} (a string or an array of strings) contains one of the expected audiences, one trailing slash
   * tolerated.
   *
   * @throws TokenRejectedException {@code INVALID_AUDIENCE}
   */
  public static void checkAudience(Map<String, Object> claims, List<String> expected) throws TokenRejectedException {
    List<String> actual;
    try {
      actual = Claims.stringOrArray(claims, "aud");
    } catch (IllegalArgumentException e) {
      throw new TokenRejectedException(ReasonCode.INVALID_AUDIENCE, "aud is neither a string nor an array of strings");
    }
    if (!Audiences.anyMatch(actual, expected)) {
      throw new TokenRejectedException(ReasonCode.INVALID_AUDIENCE, "aud does not contain the expected audience");
    }
  }
}
