package dev.sluice.api.store;

/**
 * Log lines being copied into a run store from the logging backend the application bound to SLF4J.
 * Returned by {@link RunStore#captureLogs()}; close it to stop.
 */
public interface LogCapture extends AutoCloseable {
  /** The backend captured (e.g. {@code logback}), or the SLF4J binding that cannot be captured. */
  String backend();

  /**
   * Whether lines are being captured: false when the backend is not one the store can attach to.
   */
  boolean active();

  /** Stops capturing. */
  @Override
  void close();
}
