package dev.sluice.api.executor;

import java.io.Serial;

/**
 * An attempt ended for a reason outside the task's code: its worker died, the executor refused it.
 * The attempt ends Crashed; the retry policy treats it like any other exception.
 */
public class AttemptCrashedException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /** A crash described by {@code message}, caused by {@code cause} when known. */
  public AttemptCrashedException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A crash described by {@code message}. */
  public AttemptCrashedException(String message) {
    super(message);
  }
}
