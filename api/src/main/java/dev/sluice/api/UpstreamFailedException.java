package dev.sluice.api;

import java.io.Serial;

/**
 * The error inside an {@link Outcome.Failure} for an upstream that never ran because one of its own
 * upstreams did not complete, or that was cancelled.
 */
public class UpstreamFailedException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /** An error describing why the upstream did not run. */
  public UpstreamFailedException(String message) {
    super(message, null, false, false);
  }
}
