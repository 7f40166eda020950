package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.State;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.store.FlowRunDetail;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.RunRecorder;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStores;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18, item 11: the run store on a full 1 MiB tmpfs loses nothing. A child JVM runs in a user
 * and mount namespace of its own ({@code unshare -rm}, no root needed) with a tmpfs mounted, fills
 * the disk, records 200 runs of 10 tasks, closes (the records wait in the journal on another disk),
 * frees the disk and opens the store again: every run is stored Completed, none Crashed. The child
 * checks and reports; this test judges by its report.
 */
class FullDiskTest {
  @TempDir Path dir;

  static final int RUNS = 200;
  static final int TASKS = 10;

  @Test
  void aFullDiskLosesNoRecordAndACompletedRunIsNeverCrashed() throws Exception {
    Path mount = Files.createDirectories(dir.resolve("tmpfs"));
    assumeTrue(
        canMountTmpfs(mount),
        "mounting a 1 MiB tmpfs needs 'unshare -rm' (unprivileged user namespaces), which this"
            + " machine does not allow; the full-disk test is skipped");
    Path home = Files.createDirectories(dir.resolve("home"));
    List<String> command = new ArrayList<>();
    command.add("unshare");
    command.add("-rm");
    command.add("sh");
    command.add("-c");
    command.add("mount -t tmpfs -o size=1m tmpfs \"$0\" && exec \"$@\"");
    command.add(mount.toString());
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Child.class.getName());
    command.add(mount.toString());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("SLUICE_HOME", home.toString()); // the journal goes there
    builder.redirectOutput(dir.resolve("child.log").toFile());
    Process child = builder.start();
    assertThat(child.waitFor(240, TimeUnit.SECONDS)).as("the child finished").isTrue();
    String log = Files.readString(dir.resolve("child.log"));
    assertThat(child.exitValue()).as(log).isZero();
    assertThat(log)
        .contains("full disk: unstored at close > 0")
        .contains("opened on a full disk")
        .contains("after replay: " + RUNS + " runs Completed, " + RUNS * TASKS + " tasks Completed")
        .contains("no journal left")
        .doesNotContain("refuses a record and drops it");
  }

  private static boolean canMountTmpfs(Path mount) {
    try {
      Process p =
          new ProcessBuilder(
                  "unshare",
                  "-rm",
                  "sh",
                  "-c",
                  "mount -t tmpfs -o size=1m tmpfs \"$0\"",
                  mount.toString())
              .redirectErrorStream(true)
              .start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** Runs inside the namespace, the tmpfs at {@code args[0]}. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      Path mount = Path.of(args[0]);
      Path db = mount.resolve("sluice.db");
      Path journals = Path.of(System.getenv("SLUICE_HOME"), "journal");
      Map<String, String> options = Map.of("journal-dir", journals.toString());
      List<UUID> runs = new ArrayList<>();
      long unstored;
      try (RunStore store = RunStores.open(db.toString(), options)) {
        fill(mount);
        RunRecorder r = store.recorder();
        for (int i = 0; i < RUNS; i++) {
          runs.add(recordRun(r, i));
        }
        store.close();
        unstored = store.unstoredAtClose();
      }
      System.out.println("full disk: unstored at close " + (unstored > 0 ? "> 0" : "= 0"));

      // Sluice starts on the full disk (a second, new file cannot even be created).
      try (RunStore other = RunStores.open(mount.resolve("other.db").toString(), options)) {
        other.markDeadRunsCrashed();
        System.out.println("opened on a full disk");
      }

      // Room again: the filler goes, and the disk grows (as root of this namespace).
      Files.delete(mount.resolve("filler"));
      Process remount =
          new ProcessBuilder("mount", "-o", "remount,size=64m", mount.toString())
              .inheritIO()
              .start();
      if (remount.waitFor() != 0) {
        throw new AssertionError("cannot remount " + mount);
      }
      try (RunStore store = RunStores.open(db.toString(), options)) {
        int crashed = store.markDeadRunsCrashed(); // waits for the journal to be stored first
        if (!store.recorder().flush(Duration.ofSeconds(60))) {
          throw new AssertionError("flush timed out");
        }
        int completedRuns = 0;
        int completedTasks = 0;
        for (UUID run : runs) {
          FlowRunDetail detail = store.history().flowRun(run).orElse(null);
          if (detail != null && detail.run().state().name().equals("Completed")) {
            completedRuns++;
          }
          if (detail != null) {
            completedTasks +=
                (int)
                    detail.taskRuns().stream()
                        .filter(t -> t.state().name().equals("Completed"))
                        .count();
          }
        }
        System.out.println(
            "after replay: "
                + completedRuns
                + " runs Completed, "
                + completedTasks
                + " tasks Completed, "
                + crashed
                + " crashed");
      }
      System.out.println("journal was kept in " + journals);
      try (var files = Files.walk(journals)) {
        boolean journal = files.anyMatch(f -> f.toString().endsWith(".journal"));
        System.out.println(journal ? "a journal is left" : "no journal left");
      }
    }

    private static void fill(Path mount) {
      try (OutputStream out = Files.newOutputStream(mount.resolve("filler"))) {
        byte[] chunk = new byte[4096];
        while (true) {
          out.write(chunk);
        }
      } catch (IOException full) {
        // the disk is full
      }
    }

    private static UUID recordRun(RunRecorder r, int i) {
      UUID run = UUID.randomUUID();
      Instant t = Instant.now();
      r.flowRunStarted(
          new FlowRunStart(run, RunStoreContract.FLOW, "{}", null, null, t, RunOwner.current()));
      r.flowRunStateChanged(new FlowRunEvent(run, "etl", null, State.PENDING, State.RUNNING, t, 1));
      for (int k = 0; k < TASKS; k++) {
        UUID task = UUID.randomUUID();
        String name = "t" + k;
        r.taskRunStateChanged(new TaskRunEvent(run, "etl", task, name, null, State.PENDING, t, 0));
        r.taskRunStateChanged(
            new TaskRunEvent(run, "etl", task, name, State.PENDING, State.RUNNING, t, 1));
        r.log(
            new LogLine(
                run,
                task,
                t,
                "INFO",
                "app",
                "main",
                "run " + i + " task " + k + " ".repeat(200),
                null,
                Map.of()));
        r.taskRunStateChanged(
            new TaskRunEvent(run, "etl", task, name, State.RUNNING, State.COMPLETED, t, 1));
      }
      r.flowRunStateChanged(
          new FlowRunEvent(run, "etl", null, State.RUNNING, State.COMPLETED, t, 1));
      return run;
    }
  }
}
