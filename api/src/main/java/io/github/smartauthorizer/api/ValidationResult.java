package io.github.smartauthorizer.api;

import java.util.Objects;

/**
 * The outcome of {@link TokenValidator#validate}: either the token was {@link Accepted} with its verified claims, or
 * it was {@link Rejected} with a reason.
 */
public sealed interface ValidationResult permits ValidationResult.Accepted, ValidationResult.Rejected {

  /** An accepted token. */
  static ValidationResult accepted(VerifiedToken token) {
    return new Accepted(token);
  }

  /** A refused token whose times are unknown. */
  static ValidationResult rejected(ReasonCode reason, String detail) {
    return new Rejected(Rejection.of(reason, detail));
  }

  /** A refused token. */
  static ValidationResult rejected(Rejection rejection) {
    return new Rejected(rejection);
  }

  /** Whether the token was accepted. */
  default boolean isAccepted() {
    return this instanceof Accepted;
  }

  /**
   * The token passed every check.
   *
   * @param token its verified, normalized claims
   */
  record Accepted(VerifiedToken token) implements ValidationResult {
    public Accepted {
      Objects.requireNonNull(token, "token");
    }
  }

  /**
   * The token was refused.
   *
   * @param rejection why
   */
  record Rejected(Rejection rejection) implements ValidationResult {
    public Rejected {
      Objects.requireNonNull(rejection, "rejection");
    }
  }
}
