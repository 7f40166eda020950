package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.RunHandle;
import dev.sluice.api.RunOptions;
import dev.sluice.api.State;
import dev.sluice.api.StateType;
import dev.sluice.api.store.FlowRunDetail;
import dev.sluice.api.store.FlowRunSummary;
import dev.sluice.api.store.RunStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs started with an id created elsewhere, a name, tags and an idempotency key: what a server
 * that scheduled a run, or a caller that retries a start, relies on.
 */
class RunOptionsTest {
  private final AtomicInteger calls = new AtomicInteger();

  /** A flow whose only task fails once, then waits ten minutes for its retry: it stays running. */
  private Flow<Void> waitingFlow(String name) {
    return Flows.named(name)
        .define(
            f ->
                f.task(
                        "flaky",
                        () -> {
                          calls.incrementAndGet();
                          throw new IOException("down");
                        })
                    .retries(1)
                    .retryDelay(Duration.ofMinutes(10)));
  }

  @Test
  void aRunTakesTheIdNameAndTagsItWasStartedWith() {
    Flow<Void> flow = Flows.named("identified").define(f -> f.task("one", () -> 1));
    UUID id = UUID.fromString("01939f6e-0000-7000-8000-000000000001");
    try (Sluice sluice = Sluice.builder().executor("local").build()) {
      FlowRun run =
          sluice.run(
              flow,
              Map.of(),
              RunOptions.none().withId(id).withName("nightly 2026-12-07").withTags("ETL", "b"));
      assertThat(run.id()).isEqualTo(id);
      assertThat(run.runName()).contains("nightly 2026-12-07");
      assertThat(run.tags()).containsExactly("ETL", "b");
      assertThat(run.state()).isEqualTo(State.COMPLETED);
      assertThat(run.taskRuns()).extracting(t -> t.id()).doesNotContain(id);
    }
  }

  @Test
  void theRunHistoryRecordsTheNameTagsAndKey(@TempDir Path dir) {
    Flow<Void> flow = Flows.named("recorded").define(f -> f.task("one", () -> 1));
    UUID id = UUID.fromString("01939f6e-0000-7000-8000-000000000003");
    try (Sluice sluice =
        Sluice.builder()
            .executor("local")
            .setting("store", dir.resolve("runs.db").toString())
            .build()) {
      FlowRun run =
          sluice.run(
              flow,
              Map.of(),
              RunOptions.none()
                  .withId(id)
                  .withName("by the scheduler")
                  .withTags("ETL")
                  .withIdempotencyKey("2026-12-07"));
      assertThat(run.state()).isEqualTo(State.COMPLETED);
      RunStore store = sluice.runStore().orElseThrow();
      assertThat(store.recorder().flush(Duration.ofSeconds(30))).isTrue();
      FlowRunDetail detail = store.history().flowRun(id).orElseThrow();
      assertThat(detail.run().runName()).isEqualTo("by the scheduler");
      assertThat(detail.run().tags()).containsExactly("ETL");
      assertThat(detail.idempotencyKey()).isEqualTo("2026-12-07");
      assertThat(store.history().flowRunByIdempotencyKey("recorded", "2026-12-07"))
          .map(FlowRunSummary::id)
          .contains(id);
    }
  }

  @Test
  void aSecondStartWithTheSameKeyWhileTheFirstRunsReturnsTheFirstRun() {
    Flow<Void> flow = waitingFlow("keyed");
    try (Sluice sluice = Sluice.builder().executor("local").build()) {
      RunOptions options = RunOptions.none().withIdempotencyKey("2026-12-07");
      RunHandle first = sluice.start(flow, Map.of(), options);
      RunHandle second = sluice.start(flow, Map.of(), options);
      assertThat(second).isSameAs(first);
      assertThat(calls).hasValue(1);
      // Another flow with the same key is another run.
      RunHandle other = sluice.start(waitingFlow("keyed-too"), Map.of(), options);
      assertThat(other.id()).isNotEqualTo(first.id());
      assertThat(calls).hasValue(2);
      first.cancel("test over");
      other.cancel("test over");
      assertThat(first.await().state().type()).isEqualTo(StateType.CANCELLED);
    }
  }

  @Test
  void aSecondStartWithTheSameIdWhileTheFirstRunsReturnsTheFirstRun() {
    Flow<Void> flow = waitingFlow("by-id");
    UUID id = UUID.fromString("01939f6e-0000-7000-8000-000000000002");
    try (Sluice sluice = Sluice.builder().executor("local").build()) {
      RunHandle first = sluice.start(flow, Map.of(), RunOptions.none().withId(id));
      RunHandle second = sluice.start(flow, Map.of(), RunOptions.none().withId(id));
      assertThat(second).isSameAs(first);
      assertThat(first.id()).isEqualTo(id);
      assertThat(calls).hasValue(1);
      assertThat(sluice.cancel(id, "test over")).isTrue();
      assertThat(first.await().state().type()).isEqualTo(StateType.CANCELLED);
    }
  }

  @Test
  void concurrentStartsWithOneKeyStartOneRun() throws Exception {
    Flow<Void> flow = waitingFlow("raced");
    try (Sluice sluice = Sluice.builder().executor("local").build()) {
      RunOptions options = RunOptions.none().withIdempotencyKey("once");
      ExecutorService threads = Executors.newFixedThreadPool(8);
      try {
        List<Callable<RunHandle>> starts = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
          starts.add(() -> sluice.start(flow, Map.of(), options));
        }
        List<RunHandle> handles = new ArrayList<>();
        for (Future<RunHandle> f : threads.invokeAll(starts)) {
          handles.add(f.get());
        }
        assertThat(handles).allSatisfy(h -> assertThat(h).isSameAs(handles.get(0)));
        assertThat(calls).hasValue(1);
        handles.get(0).cancel("test over");
      } finally {
        threads.shutdownNow();
      }
    }
  }

  @Test
  void onceTheKeyedRunHasEndedTheKeyStartsANewRun() {
    Flow<Void> flow = Flows.named("again").define(f -> f.task("one", calls::incrementAndGet));
    try (Sluice sluice = Sluice.builder().executor("local").build()) {
      RunOptions options = RunOptions.none().withIdempotencyKey("k");
      FlowRun first = sluice.run(flow, Map.of(), options);
      FlowRun second = sluice.run(flow, Map.of(), options);
      assertThat(second.id()).isNotEqualTo(first.id());
      assertThat(calls).hasValue(2);
    }
  }
}
