package dev.sluice.api.cache;

import java.io.Serial;

/**
 * A cache key could not be computed: an input (or the custom key) cannot be encoded. The message
 * names the task, the input and why.
 */
public class UncacheableException extends Exception {
  @Serial private static final long serialVersionUID = 1L;

  /** With a message naming the task, the input and the reason. */
  public UncacheableException(String message, Throwable cause) {
    super(message, cause);
  }
}
