package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.sluice.api.store.FlowRunDetail;
import dev.sluice.api.store.FlowRunQuery;
import dev.sluice.api.store.FlowRunSummary;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStores;
import dev.sluice.api.store.TaskRunDetail;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A batch job in a real child JVM, stopped with a real SIGINT or SIGTERM while a task runs: the
 * process exits 130 or 143, and the run history it committed shows the run and its unfinished tasks
 * Cancelled.
 */
class BatchJobSignalsTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0} on the {1} executor exits {2}")
  @CsvSource({"INT, local, 130", "TERM, local, 143", "INT, pool, 130", "TERM, pool, 143"})
  void aSignalCancelsTheRunRecordsItCancelledAndExitsWithItsCode(
      String signal, String mode, int expectedExit) throws Exception {
    Path db = dir.resolve("runs.db");
    Path marker = dir.resolve("hold-is-running");
    Path out = dir.resolve("child.out");
    Path err = dir.resolve("child.err");
    ProcessBuilder builder =
        BatchJobProcess.inChildJvm(dir, db, out, err, mode, "--marker=" + marker);
    Process child = builder.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(marker) && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(marker).as("the task started; stderr: %s", read(err)).exists();
      assumeFalse(
          ignores(child.pid(), signal),
          "SIG"
              + signal
              + " is ignored in this process tree (started in the background by a"
              + " non-interactive shell?), so the child cannot receive it");

      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(kill.exitValue()).isZero();

      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child exited").isTrue();
    } finally {
      child.destroyForcibly();
    }

    assertThat(child.exitValue()).as("exit code; stderr: %s", read(err)).isEqualTo(expectedExit);
    assertThat(read(err)).contains("Received SIG" + signal + ": cancelling the run");
    assertThat(read(out)).containsPattern("Flow run 'signalled-job' [0-9a-f-]+: Cancelled in ");
    try (RunStore store = RunStores.open(db.toString(), Map.of())) {
      List<FlowRunSummary> runs = store.history().flowRuns(FlowRunQuery.recent(10));
      assertThat(runs).hasSize(1);
      assertThat(runs.get(0).state().name()).isEqualTo("Cancelled");
      assertThat(runs.get(0).state().message()).isEqualTo("the batch job received SIG" + signal);
      FlowRunDetail detail = store.history().flowRun(runs.get(0).id()).orElseThrow();
      Map<String, String> states =
          detail.taskRuns().stream()
              .collect(Collectors.toMap(TaskRunDetail::name, t -> t.state().name()));
      assertThat(states)
          .containsEntry("first", "Completed")
          .containsEntry("hold", "Cancelled")
          .containsEntry("after", "Cancelled");
      assertThat(detail.run().endTime()).isNotNull();
    }
  }

  /** Whether {@code pid} ignores the signal, from its SigIgn mask in /proc (Linux). */
  private static boolean ignores(long pid, String signal) throws IOException {
    Path status = Path.of("/proc", Long.toString(pid), "status");
    if (!Files.exists(status)) {
      return false;
    }
    int number = signal.equals("INT") ? 2 : 15;
    Function<String, Long> mask = hex -> Long.parseUnsignedLong(hex.strip(), 16);
    for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
      if (line.startsWith("SigIgn:")) {
        return (mask.apply(line.substring("SigIgn:".length())) & (1L << (number - 1))) != 0;
      }
    }
    return false;
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }
}
