package dev.sluice.api;

/**
 * Code run when a flow run ends: on completion, or on failure. A hook that throws is logged and
 * ignored; it never changes the run's state.
 */
@FunctionalInterface
public interface FlowHook {
  /** Called once with the finished run. */
  void onFinished(FlowRun run) throws Exception;
}
