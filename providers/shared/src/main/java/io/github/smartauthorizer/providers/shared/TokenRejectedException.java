package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.Rejection;
import io.github.smartauthorizer.api.TokenTimes;

/**
 * Thrown inside a validation pipeline to stop at the first failed check; the validator turns it into a
 * {@link Rejection}. Never escapes a {@link io.github.smartauthorizer.api.TokenValidator}. Carries no stack trace:
 * it is control flow on the hot path, not a fault.
 */
public final class TokenRejectedException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Rejection rejection;

  public TokenRejectedException(ReasonCode reason, String detail) {
    this(new Rejection(reason, detail, TokenTimes.UNKNOWN));
  }

  public TokenRejectedException(Rejection rejection) {
    super(rejection.reason() + ": " + rejection.detail(), null, false, false);
    this.rejection = rejection;
  }

  public Rejection rejection() {
    return rejection;
  }
}
