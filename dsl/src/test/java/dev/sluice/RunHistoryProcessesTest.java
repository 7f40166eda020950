package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.store.FlowRunDetail;
import dev.sluice.api.store.FlowRunQuery;
import dev.sluice.api.store.FlowRunSummary;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStores;
import dev.sluice.api.store.StateRecord;
import dev.sluice.api.store.TaskRunDetail;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real JVMs sharing one SQLite file: at the same time, killed mid-run, with default settings. */
class RunHistoryProcessesTest {
  @TempDir Path dir;

  private Process spawn(Map<String, String> env, String... args) throws IOException {
    return spawn(System.getProperty("java.class.path"), env, args);
  }

  private Process spawn(String classPath, Map<String, String> env, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(classPath);
    command.add(RecordingProcess.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectError(dir.resolve("child-" + System.nanoTime() + ".err").toFile());
    builder.environment().remove("SLUICE_STORE");
    builder.environment().remove("SLUICE_HOME");
    builder.environment().putAll(env);
    return builder.start();
  }

  private static List<String> output(Process process) throws Exception {
    List<String> lines = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        lines.add(line);
      }
    }
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return lines;
  }

  private String errors() throws IOException {
    StringBuilder all = new StringBuilder();
    try (var files = Files.list(dir)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".err")).toList()) {
        all.append(Files.readString(p));
      }
    }
    return all.toString();
  }

  @Test
  void fourProcessesWritingOneFileAtOnceStoreEveryRecordWithoutError() throws Exception {
    String db = dir.resolve("shared.db").toString();
    int perProcess = 25;
    List<Process> processes = new ArrayList<>();
    for (int p = 0; p < 4; p++) {
      processes.add(
          spawn(Map.of("SLUICE_HOME", dir.toString()), "runs", db, String.valueOf(perProcess)));
    }
    Map<UUID, String> runs = new HashMap<>();
    for (Process process : processes) {
      for (String line : output(process)) {
        String[] parts = line.split(" ");
        runs.put(UUID.fromString(parts[1]), parts[2]);
      }
      assertThat(process.exitValue()).as(errors()).isZero();
    }
    assertThat(runs)
        .hasSize(4 * perProcess)
        .allSatisfy((id, state) -> assertThat(state).isEqualTo("Completed"));
    // Children log their task lines at WARN (the tests' Logback level); nothing else may appear.
    assertThat(errors().lines().filter(l -> !l.contains("a got ")))
        .noneMatch(
            l ->
                l.contains("ERROR")
                    || l.contains("WARN")
                    || l.toLowerCase(Locale.ROOT).contains("locked"));

    try (RunStore store = RunStores.open(db, Map.of())) {
      List<FlowRunSummary> stored = store.history().flowRuns(FlowRunQuery.recent(1000));
      assertThat(stored)
          .extracting(FlowRunSummary::id)
          .containsExactlyInAnyOrderElementsOf(runs.keySet());
      for (UUID id : runs.keySet()) {
        FlowRunDetail detail = store.history().flowRun(id).orElseThrow();
        assertThat(detail.run().state().name()).isEqualTo("Completed");
        // 6 steps and 3 map elements, each with its full history.
        assertThat(detail.taskRuns())
            .hasSize(9)
            .allSatisfy(
                t -> {
                  assertThat(t.state().name()).isEqualTo("Completed");
                  assertThat(t.history())
                      .extracting(StateRecord::name)
                      .endsWith("Running", "Completed");
                });
        assertThat(detail.history())
            .extracting(StateRecord::name)
            .containsExactly("Pending", "Running", "Completed");
        assertThat(store.history().logs(id, 0, 100))
            .extracting(l -> l.line().message())
            .contains("a got " + detail.parametersJson().replaceAll("\\D", ""));
      }
    }
  }

  @Test
  void afterKill9TheCommittedRecordsAreIntactAndTheNextStartMarksTheRunCrashed() throws Exception {
    String db = dir.resolve("killed.db").toString();
    Process child = spawn(Map.of("SLUICE_HOME", dir.toString()), "hang", db);
    UUID runId;
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line = in.readLine();
      assertThat(line).as(errors()).startsWith("RUNNING ");
      runId = UUID.fromString(line.substring("RUNNING ".length()));
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no close
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    // Read-only look first: what was committed is there, the run still says Running.
    try (RunStore store = RunStores.open(db, Map.of())) {
      FlowRunDetail detail = store.history().flowRun(runId).orElseThrow();
      assertThat(detail.run().state().name()).isEqualTo("Running");
      assertThat(detail.owner().pid()).isEqualTo(child.pid());
      assertThat(task(detail, "a").state().name()).isEqualTo("Completed");
      assertThat(task(detail, "b").state().name()).isEqualTo("Running");
      assertThat(store.history().logs(runId, 0, 100))
          .extracting(l -> l.line().message())
          .contains("b is running and will never end");
      // Its lease (1 s in that process) expires once nothing renews it.
      for (int i = 0; i < 600 && !store.isKnownDead(detail.owner()); i++) {
        Thread.sleep(50);
      }
      assertThat(store.isKnownDead(detail.owner())).isTrue();
    }

    // The next start of Sluice on that store marks the orphaned run Crashed.
    try (Sluice next = Sluice.builder().executor("local").setting("store", db).build()) {
      FlowRunDetail detail = next.runStore().orElseThrow().history().flowRun(runId).orElseThrow();
      assertThat(detail.run().state().name()).isEqualTo("Crashed");
      assertThat(detail.run().state().message())
          .contains("pid " + child.pid())
          .contains("stopped renewing its lease");
      assertThat(detail.run().endTime()).isNotNull();
      assertThat(task(detail, "a").state().name()).isEqualTo("Completed");
      assertThat(task(detail, "b").state().name()).isEqualTo("Crashed");
      assertThat(task(detail, "b").history())
          .extracting(StateRecord::name)
          .endsWith("Running", "Crashed");
    }
  }

  private static TaskRunDetail task(FlowRunDetail detail, String name) {
    return detail.taskRuns().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void withNoConfigurationRunsAreRecordedInSluiceHome() throws Exception {
    Path home = dir.resolve("home");
    Process child = spawn(Map.of("SLUICE_HOME", home.toString()), "one", "-");
    List<String> lines = output(child);
    assertThat(child.exitValue()).as(errors()).isZero();
    UUID id = UUID.fromString(lines.get(0).split(" ")[1]);

    Path db = home.resolve("sluice.db");
    assertThat(db).exists();
    try (RunStore store = RunStores.open(db.toString(), Map.of())) {
      assertThat(store.history().flowRun(id).orElseThrow().run().state().name())
          .isEqualTo("Completed");
    }
  }

  @Test
  void aProgramThatExitsWithoutClosingSluiceStillHasItsRunCommitted() throws Exception {
    String db = dir.resolve("exit.db").toString();
    Process child = spawn(Map.of("SLUICE_HOME", dir.toString()), "exit", db);
    List<String> lines = output(child);
    assertThat(child.exitValue()).as(errors()).isZero();
    UUID id = UUID.fromString(lines.get(0).split(" ")[1]);

    try (RunStore store = RunStores.open(db, Map.of())) {
      FlowRunDetail detail = store.history().flowRun(id).orElseThrow();
      assertThat(detail.run().state().name()).isEqualTo("Completed");
      assertThat(detail.taskRuns()).hasSize(9);
    }
  }

  @Test
  void oneSettingTurnsRecordingOff() throws Exception {
    Path home = dir.resolve("home-off");
    Process child =
        spawn(Map.of("SLUICE_HOME", home.toString(), "SLUICE_STORE", "off"), "one", "-");
    var unused = output(child); // waits for the child to end
    assertThat(child.exitValue()).as(errors()).isZero();
    assertThat(home.resolve("sluice.db")).doesNotExist();
  }

  @Test
  void withNoSlf4jProviderTheEnginesRunMessagesAreRecordedAndStderrSaysWhatToAddOnce()
      throws Exception {
    // The test class path without Logback: SLF4J finds no provider and drops every line.
    String withoutBackend =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(entry -> !entry.contains("logback"))
            .collect(Collectors.joining(File.pathSeparator));
    String db = dir.resolve("no-backend.db").toString();
    Process child = spawn(withoutBackend, Map.of("SLUICE_HOME", dir.toString()), "flaky", db);
    List<String> lines = output(child);
    assertThat(child.exitValue()).as(errors()).isZero();
    assertThat(lines).hasSize(2);
    UUID recovered = UUID.fromString(lines.get(0).split(" ")[1]);
    UUID failed = UUID.fromString(lines.get(1).split(" ")[1]);

    String stderr = errors();
    String warning = "sluice: WARN task log lines are not recorded in the run history";
    assertThat(stderr.split(Pattern.quote(warning), -1)).hasSize(2); // once for two Sluice
    assertThat(stderr).contains("ch.qos.logback:logback-classic");
    try (RunStore store = RunStores.open(db, Map.of())) {
      assertThat(store.history().logs(recovered, 0, 100))
          .extracting(l -> l.line().message())
          .anySatisfy(m -> assertThat(m).contains("attempt 1/2 failed").contains("retrying in"))
          .anySatisfy(m -> assertThat(m).contains("finished in state Completed"))
          .noneSatisfy(m -> assertThat(m).contains("the task's own line"));
      assertThat(store.history().logs(failed, 0, 100))
          .anySatisfy(
              l -> {
                assertThat(l.line().message()).contains("finished in state Failed");
                assertThat(l.line().taskRunId()).isNotNull();
                assertThat(l.line().throwable()).contains("always down");
              })
          .anySatisfy(
              l -> {
                assertThat(l.line().message()).startsWith("Flow run").contains("state Failed");
                assertThat(l.line().taskRunId()).isNull();
              });
    }
  }
}
