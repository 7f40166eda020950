package dev.sluice.api;

import dev.sluice.api.internal.Durations;
import java.util.ArrayList;
import java.util.List;

/** Formats run summaries for people. */
final class Summaries {
  private Summaries() {}

  static String of(FlowRun run) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"TASK", "STATE", "ATTEMPTS", "DURATION", "DETAIL"});
    for (TaskRun task : run.taskRuns()) {
      add(rows, task, "");
    }
    int[] width = new int[4];
    for (String[] row : rows) {
      for (int i = 0; i < width.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("Flow run '")
        .append(run.flowName())
        .append("' ")
        .append(run.id())
        .append(": ")
        .append(run.state().name())
        .append(" in ")
        .append(Durations.format(run.duration()));
    if (run.attempts() > 1) {
      out.append(" after ").append(run.attempts()).append(" flow attempts");
    }
    out.append('\n');
    for (String[] row : rows) {
      out.append("  ");
      for (int i = 0; i < width.length; i++) {
        out.append(row[i]).append(" ".repeat(width[i] - row[i].length() + 2));
      }
      out.append(row[4]).append('\n');
    }
    return out.toString();
  }

  private static void add(List<String[]> rows, TaskRun task, String indent) {
    State state = task.state();
    String detail =
        state instanceof State.Cached cached
            ? "from " + cached.source() + ", key " + abbreviate(cached.key())
            : state.isFinal() && !state.isCompleted() ? state.message() : "";
    rows.add(
        new String[] {
          indent + task.name(),
          state.name(),
          Integer.toString(task.attempts()),
          Durations.format(task.duration()),
          detail
        });
    for (TaskRun element : task.elements()) {
      add(rows, element, indent + "  ");
    }
  }

  private static String abbreviate(String key) {
    return key.length() > 12 ? key.substring(0, 12) + "…" : key;
  }
}
