package io.github.smartauthorizer.lambda;

/** The exit codes of every command of the command-line tool ({@link Cli}, {@link CheckCommand}, ...). */
final class ExitCodes {
  /** {@code invoke}: every event was authorized; other commands: success. */
  static final int AUTHORIZED = 0;
  /** {@code invoke}: any event was denied. */
  static final int DENIED = 1;
  /** A configuration or usage error, with a message naming the variable or argument. */
  static final int CONFIGURATION_ERROR = 2;

  private ExitCodes() {}
}
