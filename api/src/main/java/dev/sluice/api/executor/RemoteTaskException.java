package dev.sluice.api.executor;

import java.io.Serial;

/**
 * A task failed in another process with an exception whose type does not exist, or cannot be
 * rebuilt, in this JVM. {@link #remoteType()} names it; the message and stack trace are the remote
 * ones. Exceptions whose type can be rebuilt here are re-thrown as that type instead, so a {@code
 * RetryPolicy} matches remote failures like local ones.
 */
public class RemoteTaskException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final String remoteType;

  /** A remote failure of type {@code remoteType} with its message. */
  public RemoteTaskException(String remoteType, String message) {
    super(remoteType + (message.isEmpty() ? "" : ": " + message));
    this.remoteType = remoteType;
  }

  /** The fully qualified class name of the exception thrown in the other process. */
  public String remoteType() {
    return remoteType;
  }
}
