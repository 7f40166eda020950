package dev.sluice.api;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A flow run in progress, returned by {@code Sluice.start}. The run goes on whether or not anyone
 * holds the handle.
 */
public interface RunHandle {
  /** The flow run's id. */
  UUID id();

  /** The name of the flow. */
  String flowName();

  /**
   * Completes with the finished run, whatever its final state (Completed, Failed or Cancelled); it
   * completes exceptionally only if the engine itself broke.
   */
  CompletableFuture<FlowRun> future();

  /**
   * Waits for the run to finish and returns it. With the local executor the waiting thread runs the
   * run's delayed retries.
   */
  FlowRun await();

  /**
   * Cancels the run: nothing new starts, running attempts are interrupted, every unfinished task
   * ends Cancelled and so does the flow. Returns without waiting for interrupted code to stop.
   *
   * @return false if the run had already finished
   */
  @CanIgnoreReturnValue // whether it was still running: often not needed
  boolean cancel(String reason);
}
