package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sluice;
import dev.sluice.api.FlowRun;
import dev.sluice.api.State;
import dev.sluice.api.TaskRun;
import java.nio.file.Path;
import java.util.Map;
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
}
