package dev.sluice.api;

import java.io.Serial;
import org.jspecify.annotations.Nullable;

/**
 * The error of a Failed flow run's state: which tasks failed and were neither allowed to fail nor
 * handled. Its cause is the first such task's error.
 */
public class FlowFailedException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /** A flow failure described by {@code message}, caused by {@code cause}. */
  public FlowFailedException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
