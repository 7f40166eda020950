package dev.sluice.api.store;

/**
 * A run store could not be opened or used. The message names the database (file or URL), what is
 * wrong and how to fix it.
 */
public class RunStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An error with a cause. */
  public RunStoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /** An error. */
  public RunStoreException(String message) {
    super(message);
  }
}
