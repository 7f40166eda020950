package dev.sluice.api.internal;

import dev.sluice.api.StateType;
import java.time.Duration;
import java.util.Objects;

/**
 * How far a flow run has got, counted over its steps' task runs, and the one line that shows it —
 * for the progress line of a batch job and of {@code sluice flow-run logs --follow}, which count
 * the same way from live events and from the run history.
 *
 * @param flowName the flow's name
 * @param steps how many steps the flow has (a mapped step counts once, not per element)
 * @param done steps that reached a final state, whatever it is
 * @param running steps with an attempt running
 * @param waiting steps waiting for a retry, a concurrency slot or a start time
 * @param failed steps that ended Failed or Crashed (also counted as done)
 * @param elapsed time since the run started
 */
public record Progress(
    String flowName, int steps, int done, int running, int waiting, int failed, Duration elapsed) {
  public Progress {
    Objects.requireNonNull(flowName, "flowName");
    Objects.requireNonNull(elapsed, "elapsed");
  }

  /** Nothing counted yet. */
  public static Progress of(String flowName, int steps, Duration elapsed) {
    return new Progress(flowName, steps, 0, 0, 0, 0, elapsed);
  }

  /** These counts with one more step, whose task run is in a state of {@code type}. */
  public Progress plus(StateType type, boolean isFinal) {
    if (isFinal) {
      boolean failure = type == StateType.FAILED || type == StateType.CRASHED;
      return new Progress(
          flowName, steps, done + 1, running, waiting, failed + (failure ? 1 : 0), elapsed);
    }
    return switch (type) {
      case RUNNING -> new Progress(flowName, steps, done, running + 1, waiting, failed, elapsed);
      case SCHEDULED -> new Progress(flowName, steps, done, running, waiting + 1, failed, elapsed);
      default -> this; // pending, or cancelling: neither done nor under way
    };
  }

  /**
   * The line people read, e.g. {@code etl: 3/7 done, 2 running, 1 waiting, 0 failed, 42 s elapsed}
   * (waiting only when some step waits).
   */
  public String line() {
    return flowName
        + ": "
        + done
        + "/"
        + Math.max(steps, done)
        + " done, "
        + running
        + " running, "
        + (waiting > 0 ? waiting + " waiting, " : "")
        + failed
        + " failed, "
        + Durations.formatSeconds(elapsed)
        + " elapsed";
  }
}
