package dev.sluice.api.store;

/** What {@link RunStore#requestCancel} did. */
public enum CancelOutcome {
  /**
   * The run is unfinished and its process may be alive: the request is stored, and the process
   * recording the run cancels it when it sees the request (within about a second).
   */
  REQUESTED,
  /**
   * The run was unfinished but its process is known to be gone: the store marked it, and its
   * unfinished task runs, Cancelled.
   */
  CANCELLED,
  /** The run had already reached a final state; nothing changed. */
  ALREADY_FINAL,
  /** No run has that id. */
  NOT_FOUND
}
