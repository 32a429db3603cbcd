package io.github.smartauthorizer.providers.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.Rejection;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.ValidationResult;
import io.github.smartauthorizer.api.VerifiedToken;

/**
 * Runs a validator on a token and asserts on its {@link ValidationResult}, the same way in every provider's tests.
 * Shared with other modules through the test-jar.
 */
public final class ValidationResults {
  private ValidationResults() {}

  /** The validator's decision on a bearer token, for a request to {@link TestRequests#DATASTORE_ENDPOINT}. */
  public static ValidationResult validate(TokenValidator validator, String token) {
    return validator.validate(token, TestRequests.request(token));
  }

  /** The verified token, or an assertion error naming the rejection. */
  public static VerifiedToken accepted(ValidationResult result) {
    if (result instanceof ValidationResult.Rejected rejected) {
      throw new AssertionError("expected accepted, got " + rejected.rejection());
    }
    return ((ValidationResult.Accepted) result).token();
  }

  /** The rejection, or an assertion error when the token was accepted. */
  public static Rejection rejection(ValidationResult result) {
    return assertInstanceOf(ValidationResult.Rejected.class, result, "expected a rejection").rejection();
  }

  /** The reason code of the rejection, or an assertion error when the token was accepted. */
  public static ReasonCode reason(ValidationResult result) {
    return rejection(result).reason();
  }

  /** Asserts a rejection for this reason; the message is the whole rejection. */
  public static void assertRejected(ReasonCode expected, ValidationResult result) {
    Rejection rejection = rejection(result);
    assertEquals(expected, rejection.reason(), rejection.toString());
  }
}
