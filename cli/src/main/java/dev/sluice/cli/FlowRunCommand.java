package dev.sluice.cli;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sluice.api.State;
import dev.sluice.api.StateType;
import dev.sluice.api.internal.Durations;
import dev.sluice.api.internal.Progress;
import dev.sluice.api.internal.TerminalLine;
import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.FlowRunDetail;
import dev.sluice.api.store.FlowRunPage;
import dev.sluice.api.store.FlowRunQuery;
import dev.sluice.api.store.FlowRunSummary;
import dev.sluice.api.store.FlowSummary;
import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.StateRecord;
import dev.sluice.api.store.StoredLogLine;
import dev.sluice.api.store.TaskRunDetail;
import dev.sluice.wire.Json;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice flow-run ls|inspect|logs}. */
@Command(
    name = "flow-run",
    description = "Flow runs recorded in the run history.",
    mixinStandardHelpOptions = true,
    subcommands = {
      FlowRunCommand.Ls.class,
      FlowRunCommand.Inspect.class,
      FlowRunCommand.Logs.class,
      FlowRunCommand.Cancel.class
    })
final class FlowRunCommand {

  /** State names ({@code Failed}) and types ({@code FAILED}) that {@code --state} accepts. */
  static final Set<String> STATE_WORDS =
      Stream.concat(
              Arrays.stream(State.class.getPermittedSubclasses()).map(Class::getSimpleName),
              Arrays.stream(StateType.values()).map(Enum::name))
          .collect(Collectors.toCollection(LinkedHashSet::new));

  /** {@link #STATE_WORDS} for shell completion. */
  static final class StateWords implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return STATE_WORDS.iterator();
    }
  }

  @Command(
      name = "ls",
      description = "List flow runs, newest first.",
      mixinStandardHelpOptions = true)
  static final class Ls implements Callable<Integer> {
    private final Context context;
    @Spec CommandSpec spec;

    @Option(names = "--flow", paramLabel = "NAME", description = "Only runs of this flow.")
    String flow;

    @Option(
        names = "--state",
        split = ",",
        paramLabel = "STATE",
        completionCandidates = StateWords.class,
        description =
            "Only runs in these states: names (Failed, Running...) or types (FAILED, RUNNING...),"
                + " any case; repeat or separate with commas.")
    List<String> states = new ArrayList<>();

    @Option(
        names = "--since",
        paramLabel = "TIME",
        description =
            "Only runs started since: an age (30s, 15m, 1h, 2d, 1w, PT90M), an instant"
                + " (2026-11-23T21:00:00Z) or a date (2026-11-23).")
    String since;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "20",
        description = "At most N runs (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    Ls(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      FlowRunQuery query = query();
      List<FlowRunSummary> runs;
      long matching;
      List<String> knownFlows = List.of();
      try (History history = History.open(context)) {
        FlowRunPage page = history.history().flowRunPage(query);
        runs = page.items();
        // Counted only when the listing was cut: the common short listing costs one query.
        matching = page.nextCursor() == null ? runs.size() : history.history().flowRunCount(query);
        if (runs.isEmpty() && flow != null) {
          knownFlows = history.history().flows().stream().map(FlowSummary::name).toList();
        }
      }
      if (flow != null && runs.isEmpty() && !knownFlows.contains(flow)) {
        // Most likely a typo: say so, without making an empty answer an error for scripts.
        spec.commandLine()
            .getErr()
            .println(
                "note: no flow named '"
                    + flow
                    + "' is recorded; recorded flows: "
                    + (knownFlows.isEmpty() ? "none" : String.join(", ", knownFlows)));
        spec.commandLine().getErr().flush();
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(Json.outputWriter().writeValueAsString(runs));
      } else if (runs.isEmpty()) {
        out.println("No flow runs match.");
      } else {
        Instant now = context.clock().instant();
        Table table = new Table("ID", "FLOW", "STATE", "STARTED", "DURATION");
        for (FlowRunSummary run : runs) {
          table.row(
              run.id(),
              run.parentTaskRunId() == null ? run.flowName() : run.flowName() + " (sub-flow)",
              run.state().name(),
              Times.seconds(run.startTime(), context.zone()),
              Durations.format(run.duration(now)) + (run.endTime() == null ? " so far" : ""));
        }
        table.print(out);
        if (matching > runs.size()) {
          out.println(runs.size() + " of " + matching + " runs (--limit N for more)");
        }
      }
      out.flush();
      return 0;
    }

    private FlowRunQuery query() {
      if (limit < 1) {
        throw new ParameterException(spec.commandLine(), "--limit must be >= 1, was " + limit);
      }
      Set<String> wanted = new LinkedHashSet<>();
      for (String state : states) {
        String word = state.strip();
        boolean known = STATE_WORDS.stream().anyMatch(w -> w.equalsIgnoreCase(word));
        if (!known) {
          throw new ParameterException(
              spec.commandLine(),
              "unknown state '" + state + "'; use one of " + String.join(", ", STATE_WORDS));
        }
        wanted.add(word);
      }
      Instant from = null;
      if (since != null) {
        try {
          from = Since.parse(since, context.clock().instant(), context.zone());
        } catch (IllegalArgumentException e) {
          throw new ParameterException(
              spec.commandLine(), "--since: " + e.getMessage(), e, null, since);
        }
      }
      return FlowRunQuery.recent(limit).withFlowName(flow).withStates(wanted).withSince(from);
    }
  }

  /** The {@code ID} argument of inspect and logs: an id or a unique prefix of one. */
  static String checkedId(CommandSpec spec, String id) {
    String problem = History.checkIdText(id);
    if (problem != null) {
      throw new ParameterException(spec.commandLine(), problem);
    }
    return id;
  }

  /**
   * {@code inspect --json}: the store's {@link FlowRunDetail}, with the parameters as a JSON object
   * rather than a string holding one.
   */
  record DetailJson(
      FlowRunSummary run,
      FlowInfo flow,
      @JsonRawValue String parameters,
      @Nullable UUID parentFlowRunId,
      RunOwner owner,
      List<StateRecord> history,
      List<TaskRunDetail> taskRuns,
      @Nullable String idempotencyKey) {
    static DetailJson of(FlowRunDetail d) {
      return new DetailJson(
          d.run(),
          d.flow(),
          d.parametersJson(),
          d.parentFlowRunId(),
          d.owner(),
          d.history(),
          d.taskRuns(),
          d.idempotencyKey());
    }
  }

  @Command(
      name = "inspect",
      description =
          "Show a flow run: its states, parameters and task runs with attempts, durations and errors.",
      mixinStandardHelpOptions = true)
  static final class Inspect implements Callable<Integer> {
    private final Context context;
    @Spec CommandSpec spec;

    @Parameters(
        index = "0",
        paramLabel = "ID",
        description = "The flow run's id, or a unique start of it.")
    String id;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    Inspect(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      checkedId(spec, id);
      FlowRunDetail detail;
      boolean ownerGone;
      try (History history = History.open(context)) {
        detail = history.flowRun(id);
        ownerGone = detail.run().endTime() == null && history.isKnownDead(detail.owner());
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(Json.outputWriter().writeValueAsString(DetailJson.of(detail)));
      } else {
        print(detail, ownerGone, out);
      }
      out.flush();
      return 0;
    }

    private void print(FlowRunDetail detail, boolean ownerGone, PrintWriter out) {
      Instant now = context.clock().instant();
      FlowRunSummary run = detail.run();
      out.println(
          "Flow run "
              + run.id()
              + "  "
              + run.flowName()
              + (run.flowVersion().isEmpty() ? "" : " (version " + run.flowVersion() + ")"));
      Table facts = new Table("", "");
      facts.row("State:", stateText(run.state()));
      facts.row("Started:", Times.millis(run.startTime(), context.zone()));
      facts.row(
          "Ended:",
          run.endTime() == null ? "not yet" : Times.millis(run.endTime(), context.zone()));
      facts.row(
          "Duration:",
          Durations.format(run.duration(now)) + (run.endTime() == null ? " so far" : ""));
      if (run.attempts() > 1) {
        facts.row("Attempts:", run.attempts());
      }
      facts.row("Parameters:", detail.parametersJson());
      if (detail.parentFlowRunId() != null) {
        facts.row("Parent run:", detail.parentFlowRunId());
      }
      facts.row(
          "Process:",
          detail.owner().host()
              + " pid "
              + detail.owner().pid()
              + (ownerGone ? " (no longer running)" : ""));
      facts.row(
          "History:",
          detail.history().stream()
              .map(s -> s.name() + " " + Times.millis(s.at(), context.zone()).substring(11))
              .collect(Collectors.joining(" → ")));
      facts.print(out);

      out.println();
      if (detail.taskRuns().isEmpty()) {
        out.println("No task runs.");
        return;
      }
      Table tasks = new Table("TASK", "STATE", "ATTEMPTS", "STARTED", "DURATION", "DETAIL");
      for (TaskRunDetail task : detail.taskRuns()) {
        tasks.row(
            task.name(),
            task.state().name(),
            task.attempts(),
            Times.millis(task.startTime(), context.zone()),
            task.startTime() == null
                ? ""
                : Durations.format(task.duration(now)) + (task.endTime() == null ? " so far" : ""),
            task.error() == null ? detailOf(task) : errorLine(task.error()));
      }
      tasks.print(out);
      for (TaskRunDetail task : detail.taskRuns()) {
        TaskRunDetail.ErrorInfo error = task.error();
        if (error == null) {
          continue;
        }
        out.println();
        out.println("Error in task '" + task.name() + "' (" + task.state().name() + "):");
        error.stackTrace().lines().forEach(l -> out.println("  " + l));
      }
    }

    private static String detailOf(TaskRunDetail task) {
      return task.state().message();
    }

    private static String errorLine(TaskRunDetail.ErrorInfo error) {
      return error.message().isEmpty() ? error.type() : error.type() + ": " + error.message();
    }

    private static String stateText(StateRecord state) {
      return state.message().isEmpty() ? state.name() : state.name() + " (" + state.message() + ")";
    }
  }

  @Command(
      name = "logs",
      description = "Print a flow run's log lines: its tasks' and the engine's, in order.",
      mixinStandardHelpOptions = true)
  static final class Logs implements Callable<Integer> {
    private static final int PAGE = 1000;
    private final Context context;
    @Spec CommandSpec spec;

    @Parameters(
        index = "0",
        paramLabel = "ID",
        description = "The flow run's id, or a unique start of it.")
    String id;

    @Option(
        names = {"-f", "--follow"},
        description =
            "Keep printing new lines until the run reaches a final state; on a terminal, with a"
                + " progress line (steps done, running, failed; time elapsed) below them.")
    boolean follow;

    @Option(names = "--json", description = "Print one JSON object per line, for scripts.")
    boolean json;

    Logs(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      checkedId(spec, id);
      PrintWriter out = spec.commandLine().getOut();
      ObjectWriter writer = Json.outputWriter().without(SerializationFeature.INDENT_OUTPUT);
      // On a terminal, --follow keeps a progress line below the lines it prints.
      @Nullable TerminalLine progress =
          follow && !json && context.terminal()
              ? TerminalLine.forTerminal(context.environment())
              : null;
      try (History history = History.open(context)) {
        FlowRunDetail detail = history.flowRun(id);
        FlowRunDetail latest = detail;
        long after = 0;
        boolean finished = detail.run().state().isFinal();
        while (true) {
          after = printAvailable(history, detail, after, writer, out, progress);
          if (!follow || finished) {
            break;
          }
          if (progress != null) {
            out.print(progress.draw(progressOf(latest).line()));
            out.flush();
          }
          Thread.sleep(context.followInterval().toMillis());
          // Read the state before the lines: lines logged before the final state are then
          // committed too, and one more pass prints them.
          latest = history.history().flowRun(detail.run().id()).orElse(latest);
          finished = latest.run().state().isFinal();
          if (!finished && history.isKnownDead(latest.owner())) {
            // The process running it died: mark it Crashed (as the engine would on its next
            // start), so the next pass prints the rest and ends.
            history.markDeadRunsCrashed();
          }
        }
        if (progress != null) {
          out.print(progress.clear());
          out.flush();
        }
      }
      return 0;
    }

    /** The run's progress as recorded: its steps' task runs (map elements aside) by state. */
    private Progress progressOf(FlowRunDetail detail) {
      Progress progress =
          Progress.of(
              detail.run().flowName(),
              detail.flow().steps().size(),
              detail.run().duration(context.clock().instant()));
      for (TaskRunDetail task : detail.taskRuns()) {
        if (task.mapIndex() == null) {
          progress = progress.plus(task.state().type(), task.state().isFinal());
        }
      }
      return progress;
    }

    private long printAvailable(
        History history,
        FlowRunDetail detail,
        long after,
        ObjectWriter writer,
        PrintWriter out,
        @Nullable TerminalLine progress)
        throws Exception {
      long last = after;
      while (true) {
        List<StoredLogLine> page = history.history().logs(detail.run().id(), last, PAGE);
        if (progress != null && !page.isEmpty()) {
          out.print(progress.clear());
        }
        for (StoredLogLine stored : page) {
          if (json) {
            out.println(writer.writeValueAsString(stored));
          } else {
            printLine(stored.line(), out);
          }
          last = stored.sequence();
        }
        out.flush();
        if (page.size() < PAGE) {
          return last;
        }
      }
    }

    private void printLine(LogLine line, PrintWriter out) {
      String source = line.mdc().getOrDefault("task_name", "");
      out.println(
          Times.millis(line.at(), context.zone())
              + "  "
              + String.format(Locale.ROOT, "%-5s", line.level())
              + "  "
              + (source.isEmpty() ? "" : source + " | ")
              + line.message());
      if (line.throwable() != null) {
        line.throwable().lines().forEach(l -> out.println("    " + l));
      }
    }
  }

  @Command(
      name = "cancel",
      description = {
        "Cancel an unfinished flow run, from any process: the process running it stops it within",
        "about a second; a run whose process is gone is marked Cancelled at once."
      },
      mixinStandardHelpOptions = true)
  static final class Cancel implements Callable<Integer> {
    private final Context context;
    @Spec CommandSpec spec;

    @Parameters(
        index = "0",
        paramLabel = "ID",
        description = "The flow run's id, or a unique start of it.")
    String id;

    Cancel(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      checkedId(spec, id);
      PrintWriter out = spec.commandLine().getOut();
      try (History history = History.open(context)) {
        FlowRunDetail detail = history.flowRun(id);
        UUID runId = detail.run().id();
        switch (history.requestCancel(runId, "cancelled with `sluice flow-run cancel`")) {
          case REQUESTED ->
              out.println(
                  "Asked flow run "
                      + runId
                      + " to cancel; the process running it stops it (follow it with `sluice"
                      + " flow-run logs --follow "
                      + runId
                      + "`).");
          case CANCELLED ->
              out.println("Flow run " + runId + " is Cancelled (the process that ran it is gone).");
          case ALREADY_FINAL ->
              throw new CliException(
                  "flow run "
                      + runId
                      + " has already ended ("
                      + detail.run().state().name()
                      + "); only an unfinished run can be cancelled");
          case NOT_FOUND ->
              throw new CliException("no flow run " + runId + " in " + history.location());
        }
      }
      out.flush();
      return 0;
    }
  }
}
