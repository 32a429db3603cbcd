package io.github.smartauthorizer.api;

/**
 * The three NumericDate claims of a token, in epoch seconds, each {@code null} when unknown. Only values read from a
 * token whose signature verified are ever put here, so a deny never echoes attacker-chosen numbers.
 *
 * @param issuedAt {@code iat}, or {@code null}
 * @param notBefore {@code nbf}, or {@code null}
 * @param expiresAt {@code exp}, or {@code null}
 */
public record TokenTimes(Long issuedAt, Long notBefore, Long expiresAt) {

  /** Nothing is known. */
  public static final TokenTimes UNKNOWN = new TokenTimes(null, null, null);

  /** {@code nbf} when present, else {@code iat}, as HealthLake needs an {@code nbf} and most IdPs issue none. */
  public Long notBeforeOrIssuedAt() {
    return notBefore != null ? notBefore : issuedAt;
  }
}
