package dev.sluice.examples;

import dev.sluice.Flows;
import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowProvider;
import dev.sluice.api.FlowRun;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Tasks in worker JVMs, with the subprocess executor. Workers get {@code -Xmx64m}, whatever this
 * JVM has, except those of the step {@code "measure big heap"}, which get a heap of their own:
 * {@code -Xmx160m} (setting {@code executor.jvmOptions.measure big heap}). The step {@code "crash
 * once"} kills its worker with {@code System.exit} on its first attempt — the attempt ends Crashed,
 * the pool starts a new worker, and the retry completes. The flow names this class as its
 * entrypoint, so workers can rebuild it.
 *
 * <p>Run it with {@code ./dev example SubprocessWorkers}.
 */
public final class SubprocessWorkers implements FlowProvider {

  /** The pipeline. */
  public static final Flow<String> FLOW =
      Flows.named("subprocess-workers")
          .description("Tasks in worker JVMs: a heap of their own, and a crash contained")
          .entrypoint(SubprocessWorkers.class)
          .returning(
              f -> {
                var scratch = f.param("scratch", String.class);
                var big = f.task("measure big heap", SubprocessWorkers::describeHeap);
                var survivor =
                    f.task("crash once", scratch, SubprocessWorkers::crashOnce).retries(1);
                return f.task(
                    "report", big, survivor, (b, s) -> b + "; " + s + ", " + describeHeap());
              });

  /** For the workers, which rebuild the flow from this entrypoint. */
  public SubprocessWorkers() {}

  @Override
  public List<Flow<?>> flows() {
    return List.of(FLOW);
  }

  static String describeHeap() {
    long mib = Runtime.getRuntime().maxMemory() / (1024 * 1024);
    System.out.println("measuring the heap of this worker");
    return "worker " + ProcessHandle.current().pid() + " has a max heap of " + mib + " MiB";
  }

  /** The Sluice the example runs on: two workers of 64 MiB, 160 MiB for one step. */
  static Sluice sluice() {
    return Sluice.builder()
        .executor("subprocess")
        .setting("executor.workers", "2")
        .setting("executor.jvmOptions", "-Xmx64m")
        .setting("executor.jvmOptions.measure big heap", "-Xmx160m")
        .build();
  }

  /** Exits the worker JVM the first time (a marker file in {@code scratch} remembers it). */
  static String crashOnce(String scratch) throws IOException {
    try {
      Files.createFile(Path.of(scratch, "crashed-once"));
      System.err.println("exiting the worker JVM on purpose");
      System.exit(1);
    } catch (FileAlreadyExistsException e) {
      // the first attempt already crashed: this is the retry
    }
    return "worker " + ProcessHandle.current().pid() + " survived the retry";
  }

  /** Runs the flow and prints its summary. */
  public static void main(String[] args) throws IOException {
    Path scratch = Files.createTempDirectory("sluice-subprocess-example");
    try (Sluice sluice = sluice()) {
      FlowRun run = sluice.run(FLOW, Map.of("scratch", scratch.toString()));
      System.out.println();
      System.out.println("This JVM: pid " + ProcessHandle.current().pid());
      System.out.println("Result: " + run.result());
      System.out.print(run.summary());
      System.exit(run.state().isCompleted() ? 0 : 1);
    } finally {
      Files.deleteIfExists(scratch.resolve("crashed-once"));
      Files.deleteIfExists(scratch);
    }
  }
}
