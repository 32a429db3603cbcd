package io.github.smartauthorizer.api.spi;

/**
 * A {@link SecretSource} could not produce a secret (not found, access denied, endpoint down, malformed). The message
 * names the secret id and the cause, never the secret's value.
 */
public final class SecretUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SecretUnavailableException(String message) {
    super(message);
  }

  public SecretUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
