package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.Sluice;
import dev.sluice.api.FlowRun;
import dev.sluice.api.State;
import dev.sluice.api.TaskRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The examples run and do what their documentation says. */
class ExamplesTest {

  @Test
  void theUnreliablePipelineCompletesUnlessTheApiFailsFiveTimes() {
    try (Sluice sluice = Sluice.builder().executor("local").build()) {
      FlowRun run = sluice.run(UnreliablePipeline.FLOW, Map.of("msg", "Now we're cooking!"));

      TaskRun api = run.taskRun("Get data from API").orElseThrow();
      if (run.state().isCompleted()) {
        assertThat(api.attempts()).isBetween(1, 5);
        assertThat(run.result("Write results to database", String.class)).isEqualTo("Success!");
      } else {
        assertThat(api.attempts()).isEqualTo(5);
        assertThat(run.taskRun("Add message to data").orElseThrow().state())
            .isEqualTo(new State.NotReady("Get data from API"));
      }
      assertThat(run.summary()).contains("Get data from API", "Write results to database");
    }
  }

  @Test
  void theRunHistoryExampleReadsItsRunBackFromTheStore(@TempDir Path dir) {
    try (Sluice sluice =
        Sluice.builder()
            .executor("local")
            .setting("store", dir.resolve("runs.db").toString())
            .build()) {
      String shown = RunHistory.show(sluice);

      assertThat(shown)
          .contains("Run history in " + dir.resolve("runs.db"))
          .contains("Get data from API")
          .contains("Write results to database")
          .containsPattern(
              "Flow run '[0-9a-f-]+' of flow 'previously-unreliable-pipeline' started");
    }
  }

  @Test
  void theFeatureTourShowsEveryFeatureWorking() {
    try (Sluice sluice = Sluice.builder().executor("local").retainResults().build()) {
      FlowRun run = sluice.run(FeatureTour.FLOW, Map.of("cities", "oslo,lima", "verbose", "false"));

      assertThat(run.state()).isEqualTo(State.COMPLETED);
      assertThat((String) run.result())
          .startsWith("Oslo first; temperatures [")
          .endsWith("forecast: unavailable (the forecast service is down)");
      assertThat(run.taskRun("fetch forecast").orElseThrow().state())
          .isInstanceOf(State.Failed.class);
      assertThat(run.taskRun("details").orElseThrow().state()).isInstanceOf(State.Skipped.class);
      assertThat(run.taskRun("normalize first").orElseThrow().subflowRun()).isPresent();
      assertThat(run.taskRun("fetch temperature").orElseThrow().elements()).hasSize(2);
      assertThat(FeatureTour.FLOW.toMermaid()).contains("fetch temperature (map)");
    }
  }

  @Test
  void theCachedPipelineComputesOnceThenReadsTheResultFromDisk(@TempDir Path cacheDir) {
    FlowRun first = CachedPipeline.runOnce(cacheDir, Map.of("epochs", 4));
    FlowRun second = CachedPipeline.runOnce(cacheDir, Map.of("epochs", 4));
    FlowRun other = CachedPipeline.runOnce(cacheDir, Map.of("epochs", 1));

    assertThat(first.taskRun("train model").orElseThrow().state()).isEqualTo(State.COMPLETED);
    assertThat(second.taskRun("train model").orElseThrow().state())
        .isInstanceOfSatisfying(
            State.Cached.class, cached -> assertThat(cached.source()).isEqualTo("disk"));
    assertThat(second.result())
        .isEqualTo(first.result())
        .isEqualTo("model after 4 epochs, loss 0.2");
    assertThat(second.summary()).contains("train model").contains("Cached").contains("from disk");
    assertThat(other.taskRun("train model").orElseThrow().state()).isEqualTo(State.COMPLETED);
  }

  @Test
  void theSubprocessExampleGivesOneStepItsOwnHeapAndSurvivesACrash(@TempDir Path scratch) {
    try (Sluice sluice = SubprocessWorkers.sluice()) {
      FlowRun run = sluice.run(SubprocessWorkers.FLOW, Map.of("scratch", scratch.toString()));

      assertThat(run.state()).isEqualTo(State.COMPLETED);
      assertThat((String) run.result())
          .containsPattern("^worker \\d+ has a max heap of 1[456]\\d MiB; ")
          .containsPattern(", worker \\d+ has a max heap of (5\\d|6\\d) MiB$")
          .doesNotContain("worker " + ProcessHandle.current().pid() + " ")
          .contains("survived the retry");
      TaskRun crash = run.taskRun("crash once").orElseThrow();
      assertThat(crash.attempts()).isEqualTo(2);
      assertThat(crash.history()).extracting(c -> c.state().name()).contains("AwaitingRetry");
    }
  }

  @Test
  void theMetricsAndTracingExamplesPrintTheirMetersAndSpans() {
    java.io.PrintStream out = System.out;
    var captured = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      PipelineMetrics.main(new String[0]);
      PipelineTracing.main(new String[0]);
    } finally {
      System.setOut(out);
    }
    String printed = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(printed)
        .contains("sluice.task.runs(COUNTER)[flow='metered', state='Completed', task='fetch']")
        .contains("sluice.task.wait(TIMER)[flow='metered', reason='retry', task='fetch']")
        .contains("span flow traced-report")
        .contains("span task publish");
  }

  @Test
  void everyExampleFlowRunsInWorkerProcessesFoundThroughItsStaticField(@TempDir Path cacheDir) {
    try (Sluice sluice =
        Sluice.builder()
            .executor("subprocess")
            .setting("executor.workers", "2")
            .cacheDirectory(cacheDir)
            .retainResults()
            .build()) {
      FlowRun demo = sluice.run(UnreliablePipeline.FLOW, Map.of("msg", "Hi"));
      FlowRun tour = sluice.run(FeatureTour.FLOW, Map.of("cities", "oslo,lima"));
      FlowRun cached = sluice.run(CachedPipeline.FLOW, Map.of("epochs", 2));

      TaskRun api = demo.taskRun("Get data from API").orElseThrow();
      assertThat(demo.state().isCompleted() || api.attempts() == 5).as(demo.summary()).isTrue();
      assertThat(tour.state()).as(tour.summary()).isEqualTo(State.COMPLETED);
      assertThat(tour.taskRun("normalize first").orElseThrow().subflowRun()).isPresent();
      assertThat(cached.state()).as(cached.summary()).isEqualTo(State.COMPLETED);
      assertThat(cached.result()).isEqualTo("model after 2 epochs, loss 0.3333");
    }
  }

  @Test
  void theDemoIsABatchJobWhoseExitCodeSaysHowItsRunEnded(@TempDir Path home) throws Exception {
    List<String> command =
        List.of(
            ProcessHandle.current().info().command().orElseThrow(),
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            UnreliablePipeline.class.getName(),
            "--msg=Hi",
            "--json");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectError(home.resolve("err.txt").toFile());
    builder.environment().put("SLUICE_HOME", home.toString());
    builder.environment().put("SLUICE_EXECUTOR", "subprocess");
    builder.environment().remove("SLUICE_STORE");
    Process demo = builder.start();
    String out = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(demo.waitFor(120, TimeUnit.SECONDS)).isTrue();

    JsonNode run = new ObjectMapper().readTree(out);
    String state = run.get("state").asText();
    assertThat(state).as(Files.readString(home.resolve("err.txt"))).isIn("Completed", "Failed");
    assertThat(demo.exitValue()).isEqualTo(state.equals("Completed") ? 0 : 1);
    assertThat(run.get("exitCode").asInt()).isEqualTo(demo.exitValue());
    assertThat(run.get("parameters").get("msg").asText()).isEqualTo("Hi");
    assertThat(home.resolve("sluice.db")).exists();
  }
}
