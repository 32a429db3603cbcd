package io.github.smartauthorizer.api.spi;

/**
 * A configuration value is missing or wrong. The message names the environment variable and what it expects, so
 * that one line in the log tells an operator what to fix. The message never contains a secret.
 */
public final class ConfigurationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String variable;

  /**
   * @param variable the environment variable, e.g. {@code AUTHORIZER_ISSUER}
   * @param problem what is wrong and what is expected, e.g. {@code "is required: the issuer URL"}
   */
  public ConfigurationException(String variable, String problem) {
    super(variable + " " + problem);
    this.variable = variable;
  }

  /** As {@link #ConfigurationException(String, String)}, keeping the cause (which must not carry a secret). */
  public ConfigurationException(String variable, String problem, Throwable cause) {
    super(variable + " " + problem, cause);
    this.variable = variable;
  }

  /** The environment variable at fault. */
  public String variable() {
    return variable;
  }
}
