package dev.sluice.api;

import java.io.Serial;
import java.util.concurrent.TimeoutException;

/**
 * What an attempt that ran over its timeout failed with; the task run's state is {@code TimedOut}.
 * A retry policy sees it like any other exception, so {@code retryOn(TaskTimeoutException.class)}
 * or {@code abortOn(TaskTimeoutException.class)} decide whether timeouts are retried.
 */
public class TaskTimeoutException extends TimeoutException {
  @Serial private static final long serialVersionUID = 1L;

  /** A timeout described by {@code message}. */
  public TaskTimeoutException(String message) {
    super(message);
  }
}
