package dev.sluice.api.store;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.TaskRunEvent;
import java.time.Duration;

/**
 * The write side of a {@link RunStore}. Every method hands its record to the store's asynchronous
 * writer and returns without touching the database; records are committed in batches, in the order
 * they were handed over. No record is ever dropped: when the writer falls far behind, callers wait
 * for room in its queue (see the implementation's documentation for the bound).
 *
 * <p>For one flow run, {@link #flowRunStarted} comes before any of its events or log lines.
 */
public interface RunRecorder {
  /** A flow run started: its flow, parameters, parent and owning process. */
  void flowRunStarted(FlowRunStart start);

  /** A flow run entered a state. */
  void flowRunStateChanged(FlowRunEvent event);

  /**
   * A task run entered a state. Task runs are created by their first event; their start and end
   * times, attempts, error and cache key follow from the states they enter.
   */
  void taskRunStateChanged(TaskRunEvent event);

  /** A log line of a flow run. */
  void log(LogLine line);

  /**
   * Hands over records another process made, as one unit: they are committed together, with the
   * batch's place in its source's sequence, and a batch whose sequence is not above the last one
   * stored for its source stores nothing (see {@link IngestBatch}). Like the other methods, it
   * returns before the records are committed; {@link #flush} waits for them.
   */
  void ingest(IngestBatch batch);

  /**
   * Waits until everything handed over before this call is committed.
   *
   * @return false if that did not happen within {@code timeout}, or if the store is closed (or its
   *     writer stopped): records handed over then are refused, not committed, and so is the flush
   */
  boolean flush(Duration timeout);
}
