package dev.sluice.api;

import java.io.Serial;

/**
 * Thrown by task code to fail the task at once, whatever its {@link RetryPolicy} says: the input is
 * wrong and another attempt cannot help.
 */
public class NonRetryableException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /** A non-retryable failure with a message. */
  public NonRetryableException(String message) {
    super(message);
  }

  /** A non-retryable failure with a message and a cause. */
  public NonRetryableException(String message, Throwable cause) {
    super(message, cause);
  }
}
