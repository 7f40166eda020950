package dev.sluice.cli;

/**
 * A failure the user can act on: its message says what is wrong and how to fix it, and is printed
 * without a stack trace. The command exits with 1.
 */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CliException(String message) {
    super(message);
  }

  CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
