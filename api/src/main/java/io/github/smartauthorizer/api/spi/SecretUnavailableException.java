package io.github.smartauthorizer.api.spi;

/**
 * A {@link SecretSource} could not produce a secret. The message names the secret id and the cause, never the secret's
 * value.
 *
 * <p>{@link #isRetryable()} tells the two kinds apart: a failure that may pass (a timeout, throttling, a server error:
 * reading again later may succeed) from one that will not until someone changes the configuration (the secret is not
 * found, access is denied, the value is malformed).
 */
public final class SecretUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  /** A failure that will not pass by itself (not found, access denied, malformed). */
  public SecretUnavailableException(String message) {
    this(message, null, false);
  }

  /** A failure that will not pass by itself, with its cause (which must not carry the secret). */
  public SecretUnavailableException(String message, Throwable cause) {
    this(message, cause, false);
  }

  /**
   * @param message names the secret id and the cause, never the value
   * @param cause the cause, or {@code null}; it must not carry the secret
   * @param retryable whether reading again later may succeed (timeout, throttling, server error)
   */
  public SecretUnavailableException(String message, Throwable cause, boolean retryable) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** Whether reading again later may succeed: a timeout, throttling or a server error, not a configuration error. */
  public boolean isRetryable() {
    return retryable;
  }
}
