package dev.sluice.examples;

import dev.sluice.Sluice;
import dev.sluice.api.FlowRun;
import dev.sluice.api.store.FlowRunDetail;
import dev.sluice.api.store.FlowRunQuery;
import dev.sluice.api.store.FlowRunSummary;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.StoredLogLine;
import dev.sluice.api.store.TaskRunDetail;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Finding your runs afterwards: runs the demo pipeline (recorded, like every run, in {@code
 * $SLUICE_HOME/sluice.db} unless {@code sluice.store} says otherwise), then reads the run history
 * back — the latest runs, the task runs of this one, and its log lines.
 *
 * <p>Run it with {@code ./dev example RunHistory}; {@code -Dsluice.store=/tmp/runs.db} records
 * elsewhere, {@code SLUICE_EXECUTOR=subprocess} runs the tasks in worker JVMs.
 */
public final class RunHistory {
  private RunHistory() {}

  /** Runs the pipeline once and prints what the run store holds about it. */
  public static void main(String[] args) {
    try (Sluice sluice = Sluice.create()) {
      System.out.print(show(sluice));
    }
  }

  /** Runs the demo pipeline on {@code sluice} and describes it from the run store. */
  static String show(Sluice sluice) {
    FlowRun run = sluice.run(UnreliablePipeline.FLOW, Map.of("msg", "Now we're cooking!"));
    RunStore store =
        sluice
            .runStore()
            .orElseThrow(() -> new IllegalStateException("run history is off (sluice.store=off)"));
    // Records reach the database asynchronously; wait until this run's are committed.
    store.recorder().flush(Duration.ofSeconds(10));

    StringBuilder out = new StringBuilder();
    out.append("Run history in ").append(store.location()).append('\n');
    out.append("\nLatest runs of ").append(run.flowName()).append(":\n");
    for (FlowRunSummary summary :
        store.history().flowRuns(FlowRunQuery.recent(5).withFlowName(run.flowName()))) {
      out.append(
          String.format(
              "  %s  %-10s %d ms%n",
              summary.id(), summary.state().name(), summary.duration(Instant.now()).toMillis()));
    }

    FlowRunDetail detail = store.history().flowRun(run.id()).orElseThrow();
    out.append("\nTask runs of ").append(run.id()).append(":\n");
    for (TaskRunDetail task : detail.taskRuns()) {
      out.append(
          String.format(
              "  %-26s %-10s attempts %d  %d ms%s%n",
              task.name(),
              task.state().name(),
              task.attempts(),
              task.duration(Instant.now()).toMillis(),
              task.error() == null ? "" : "  " + task.error().message()));
    }

    out.append("\nLog lines:\n");
    for (StoredLogLine line : store.history().logs(run.id(), 0, 100)) {
      out.append(
          String.format(
              "  #%d %-5s %s%n", line.sequence(), line.line().level(), line.line().message()));
    }
    return out.toString();
  }
}
