package dev.sluice;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.ParameterException;
import dev.sluice.api.RunHandle;
import dev.sluice.api.State;
import dev.sluice.api.StateType;
import dev.sluice.api.TaskRun;
import dev.sluice.api.internal.TerminalLine;
import dev.sluice.engine.internal.Engine;
import dev.sluice.wire.Json;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Runs a flow as a batch job: the whole {@code main} of a program that a scheduler (cron,
 * Kubernetes, Airflow, a CI step) starts with arguments and judges by its exit code and its output.
 *
 * {@snippet :
 * public static void main(String[] args) {
 *   BatchJob.run(PIPELINE, args); // parses args, runs the flow, prints the summary, exits
 * }
 * }
 *
 * <p>The command line gives the flow's parameters as {@code --name=value}, {@code --name value} or
 * {@code -Pname=value} (a boolean parameter alone means true), or as a JSON object in {@code
 * --params-file FILE}; they are coerced to the parameters' types as {@link Sluice#run(Flow, Map)}
 * does, and every problem — with the arguments and with the parameters — is reported at once before
 * anything runs. {@code --executor NAME} chooses the executor, {@code --quiet} prints nothing but
 * errors, {@code --json} prints one JSON object, {@code --help} lists the flow's parameters with
 * their types and defaults. On a terminal a progress line shows the steps done, running and failed
 * and the time elapsed.
 *
 * <p>Exit codes: 0 Completed, 1 Failed, 2 not started (bad arguments, parameters or setup; nothing
 * ran), 3 Crashed, 4 Cancelled by a request (the {@code sluice} command or the server), 130
 * Cancelled by SIGINT (Ctrl-C), 143 Cancelled by SIGTERM. A signal cancels the run gracefully:
 * running attempts are interrupted, unfinished tasks and the flow end Cancelled, and the run
 * history is committed before the process exits; a second signal exits at once.
 */
public final class BatchJob {
  private BatchJob() {}

  /**
   * Runs {@code flow} with the parameters and options in {@code args}, prints the outcome and exits
   * the JVM with its code (see the class description). Never returns.
   */
  public static void run(Flow<?> flow, String... args) {
    run(flow, args, builder -> {});
  }

  /**
   * Like {@link #run(Flow, String...)}, on a Sluice that {@code configure} sets up (listeners,
   * settings, concurrency limits); {@code --executor} on the command line overrides its executor.
   */
  public static void run(Flow<?> flow, String[] args, Consumer<Sluice.Builder> configure) {
    Objects.requireNonNull(flow, "flow");
    Objects.requireNonNull(configure, "configure");
    int code =
        execute(
            flow,
            List.of(args),
            configure,
            new Io(
                System.out,
                System.err,
                TerminalLine.isTerminal(),
                System.getenv(),
                programName(),
                InstantSource.system()));
    System.out.flush();
    System.err.flush();
    System.exit(code);
  }

  /** How a batch job ended, as its exit code says. */
  enum Outcome {
    COMPLETED(0, "Completed"),
    FAILED(1, "Failed: a task failed and the flow did not handle it"),
    NOT_STARTED(2, "not started: bad arguments, parameters or setup (the message says which)"),
    CRASHED(3, "Crashed: Sluice failed while running the flow"),
    CANCELLED(4, "Cancelled by a request (the sluice command, the server)"),
    UNSTORED(5, "Completed, but run history records could not be stored (kept in a journal)"),
    SIGINT(130, "Cancelled by SIGINT (Ctrl-C)"),
    SIGTERM(143, "Cancelled by SIGTERM (kill, a scheduler stopping the job)");

    final int code;
    final String meaning;

    Outcome(int code, String meaning) {
      this.code = code;
      this.meaning = meaning;
    }
  }

  /**
   * Where a job prints and what it knows of its surroundings (tests give their own).
   *
   * @param out the summary, the JSON object, the start line
   * @param err errors, and plain progress lines
   * @param terminal whether {@code out} is a terminal: the progress line is drawn there
   * @param environment for the terminal's width
   * @param program the program's name, for the usage line
   * @param clock for the elapsed time
   */
  record Io(
      PrintStream out,
      PrintStream err,
      boolean terminal,
      Map<String, String> environment,
      String program,
      InstantSource clock) {}

  /** Runs the job and returns its exit code. */
  static int execute(Flow<?> flow, List<String> args, Consumer<Sluice.Builder> configure, Io io) {
    List<Sluice> opened = new java.util.ArrayList<>(1);
    int code = execute(flow, args, configure, io, opened);
    // The Sluice is closed now, and with it the run store: did it store everything?
    long unstored =
        opened.stream()
            .flatMap(s -> s.runStore().stream())
            .mapToLong(dev.sluice.api.store.RunStore::unstoredAtClose)
            .sum();
    if (unstored > 0 && code == Outcome.COMPLETED.code) {
      io.err()
          .println(
              "error: "
                  + unstored
                  + " records of the run history were not stored (the ERROR above says where they"
                  + " are kept); exiting "
                  + Outcome.UNSTORED.code);
      return Outcome.UNSTORED.code;
    }
    return code;
  }

  private static int execute(
      Flow<?> flow,
      List<String> args,
      Consumer<Sluice.Builder> configure,
      Io io,
      List<Sluice> opened) {
    BatchArguments arguments = BatchArguments.parse(flow, args);
    if (arguments.help()) {
      io.out().print(BatchHelp.of(flow, io.program()));
      io.out().flush();
      return Outcome.COMPLETED.code;
    }
    List<String> problems = new ArrayList<>(arguments.problems());
    try {
      Engine.checkParameters(flow, arguments.parameters());
    } catch (ParameterException e) {
      problems.addAll(e.problems());
    }
    if (!problems.isEmpty()) {
      return notStarted(
          io, arguments, "invalid arguments for flow '" + flow.name() + "'", problems, true);
    }

    boolean showProgress = !arguments.quiet() && !arguments.json();
    AtomicReference<String> executorName = new AtomicReference<>("");
    AtomicReference<PrintStream> out = new AtomicReference<>(io.out());
    RunProgress progress = new RunProgress(flow.name(), flow.steps().size(), io.clock());
    if (showProgress) {
      var unused =
          progress
              .started()
              .thenAccept(
                  id ->
                      out.get()
                          .println(
                              "Running flow '"
                                  + flow.name()
                                  + "' as run "
                                  + id
                                  + " on the "
                                  + executorName.get()
                                  + " executor"));
    }
    Sluice sluice;
    try {
      Sluice.Builder builder = Sluice.builder();
      configure.accept(builder);
      if (arguments.executor() != null) {
        builder.executor(arguments.executor());
      }
      builder.listener(progress);
      sluice = builder.build();
      opened.add(sluice);
    } catch (RuntimeException e) {
      return notStarted(io, arguments, describe(e), List.of(), false);
    }
    executorName.set(sluice.executor().name());

    ProgressDisplay display =
        !showProgress
            ? ProgressDisplay.none(io.out())
            : io.terminal()
                ? ProgressDisplay.onTerminal(
                    io.out(),
                    TerminalLine.forTerminal(io.environment()),
                    progress::now,
                    ProgressDisplay.TERMINAL_INTERVAL)
                : ProgressDisplay.plain(io.err(), progress::now, ProgressDisplay.PLAIN_INTERVAL);
    PrintStream err = display.relay(io.err());
    out.set(display.relay(io.out()));
    Streams streams = io.terminal() && showProgress ? Streams.redirect(out.get(), err) : null;
    // Closed in reverse: the Sluice (committing the run history) while a second signal still
    // exits at once, then the signal handlers. A signal cancels the run by id once it has started
    // — from another thread, as the thread starting it may be the one running its tasks.
    try (Signals signals =
            Signals.install(
                signal -> {
                  err.println(
                      "Received "
                          + signal
                          + ": cancelling the run (a second signal exits at once)");
                  var unused =
                      progress
                          .started()
                          .thenAcceptAsync(
                              id -> sluice.cancel(id, "the batch job received " + signal));
                });
        sluice) {
      for (String signal : signals.unavailable()) {
        err.println(
            "note: "
                + signal
                + " cannot be handled in this JVM (-Xrs?), so it will not cancel the run"
                + " gracefully");
      }
      RunHandle handle;
      try {
        handle = sluice.start(flow, arguments.parameters());
      } catch (RuntimeException e) {
        display.close();
        return notStarted(io, arguments, describe(e), List.of(), false);
      }
      FlowRun run;
      try {
        run = handle.await();
      } catch (RuntimeException e) {
        display.close();
        err.println("error: " + describe(e));
        return Outcome.CRASHED.code;
      } finally {
        // With the local executor a cancelled attempt's interrupt may be left on this thread;
        // the store must commit the run before the process exits.
        var unused = Thread.interrupted();
      }
      display.close();
      Outcome outcome = outcome(run, signals.exitCode());
      if (arguments.json()) {
        io.out().println(json(JobReport.of(run, outcome.code)));
      } else if (!arguments.quiet()) {
        io.out().print(run.summary());
      }
      io.out().flush();
      return outcome.code;
    } finally {
      display.close();
      if (streams != null) {
        streams.restore();
      }
    }
  }

  private static Outcome outcome(FlowRun run, int signalCode) {
    State state = run.state();
    if (state.isCompleted()) {
      return Outcome.COMPLETED;
    }
    return switch (state.type()) {
      case CANCELLED ->
          signalCode == Outcome.SIGINT.code
              ? Outcome.SIGINT
              : signalCode == Outcome.SIGTERM.code ? Outcome.SIGTERM : Outcome.CANCELLED;
      case CRASHED -> Outcome.CRASHED;
      default -> Outcome.FAILED;
    };
  }

  private static int notStarted(
      Io io, BatchArguments arguments, String error, List<String> problems, boolean usage) {
    StringBuilder message = new StringBuilder("error: ").append(error);
    for (String problem : problems) {
      message.append("\n  - ").append(problem);
    }
    io.err().println(message);
    if (usage) {
      io.err().println("Run with --help for the flow's parameters and the options.");
    }
    io.err().flush();
    if (arguments.json()) {
      io.out().println(json(new ErrorReport(Outcome.NOT_STARTED.code, error, problems)));
      io.out().flush();
    }
    return Outcome.NOT_STARTED.code;
  }

  private static String describe(Throwable e) {
    return Objects.requireNonNullElse(e.getMessage(), e.toString());
  }

  private static String json(Object report) {
    try {
      return Json.outputWriter().writeValueAsString(report);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the job's JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** The main class (or jar) this JVM was started with, for the usage line. */
  private static String programName() {
    String command = System.getProperty("sun.java.command", "").strip();
    String first = command.isEmpty() ? "" : command.split(" ", 2)[0];
    if (first.endsWith(".jar")) {
      return "java -jar " + first;
    }
    return first.isEmpty() ? "job" : first.substring(first.lastIndexOf('.') + 1);
  }

  /** System.out and System.err through the progress line while it is drawn, then put back. */
  private record Streams(PrintStream out, PrintStream err) {
    static Streams redirect(PrintStream out, PrintStream err) {
      Streams previous = new Streams(System.out, System.err);
      System.setOut(out);
      System.setErr(err);
      return previous;
    }

    void restore() {
      System.setOut(out);
      System.setErr(err);
    }
  }

  /** {@code --json} when the run did not start. */
  record ErrorReport(int exitCode, String error, List<String> problems) {}

  /** {@code --json}: the run, for scripts. */
  record JobReport(
      int exitCode,
      UUID flowRunId,
      String flowName,
      String state,
      StateType stateType,
      String message,
      Instant startTime,
      @Nullable Instant endTime,
      Duration duration,
      int attempts,
      Map<String, @Nullable Object> parameters,
      List<TaskReport> taskRuns) {
    static JobReport of(FlowRun run, int exitCode) {
      Map<String, @Nullable Object> parameters = new LinkedHashMap<>();
      run.parameters().forEach((k, v) -> parameters.put(k, printable(v)));
      return new JobReport(
          exitCode,
          run.id(),
          run.flowName(),
          run.state().name(),
          run.state().type(),
          run.state().message(),
          run.startTime(),
          run.endTime().orElse(null),
          run.duration(),
          run.attempts(),
          parameters,
          run.taskRuns().stream().map(TaskReport::of).toList());
    }

    /** A value as JSON when Jackson can write it, else its text. */
    private static @Nullable Object printable(@Nullable Object value) {
      try {
        var unused = Json.writer().writeValueAsString(value);
        return value;
      } catch (JsonProcessingException | RuntimeException e) {
        return String.valueOf(value);
      }
    }
  }

  /** One task run in {@link JobReport}; a mapped step's elements under it. */
  record TaskReport(
      String name,
      String state,
      StateType stateType,
      String message,
      int attempts,
      Duration duration,
      List<TaskReport> elements) {
    static TaskReport of(TaskRun task) {
      return new TaskReport(
          task.name(),
          task.state().name(),
          task.state().type(),
          task.state().message(),
          task.attempts(),
          task.duration(),
          task.elements().stream().map(TaskReport::of).toList());
    }
  }
}
