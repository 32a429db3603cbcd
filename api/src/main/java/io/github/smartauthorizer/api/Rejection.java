package io.github.smartauthorizer.api;

import java.util.Objects;

/**
 * Why a token was refused: a {@link ReasonCode} for machines and a short detail for operators.
 *
 * <p>The detail is logged, never returned to HealthLake. It must not contain the token, a secret or a claim value
 * chosen by the token's author (write "iss does not match", not the issuer the token claimed).
 *
 * @param reason the reason code, never {@code null}
 * @param detail a short, secret-free explanation, never {@code null}
 * @param times the token's times when its signature verified, else {@link TokenTimes#UNKNOWN}
 */
public record Rejection(ReasonCode reason, String detail, TokenTimes times) {

  public Rejection {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(times, "times");
  }

  /** A rejection whose token times are unknown. */
  public static Rejection of(ReasonCode reason, String detail) {
    return new Rejection(reason, detail, TokenTimes.UNKNOWN);
  }
}
