package dev.sluice.api;

import java.io.Serial;

/**
 * The error of a mapped step some of whose elements failed. Each element's own task run holds its
 * error; the cause here is the first failed element's.
 */
public class MapFailedException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final int failed;
  private final int total;

  /** {@code failed} of {@code total} elements failed; {@code cause} is the first one's error. */
  public MapFailedException(String message, int failed, int total, Throwable cause) {
    super(message, cause);
    this.failed = failed;
    this.total = total;
  }

  /** How many elements failed. */
  public int failed() {
    return failed;
  }

  /** How many elements there were. */
  public int total() {
    return total;
  }
}
