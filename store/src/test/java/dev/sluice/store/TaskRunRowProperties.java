package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.State;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStores;
import dev.sluice.api.store.StateRecord;
import dev.sluice.api.store.TaskRunDetail;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * However a task run's transitions are split into the writer's batches, the stored row says what
 * the transitions say: the last state, the most attempts, the first start, the end of a final
 * state, the latest error (cleared by a reset to Pending), the cache key, and the full history.
 */
class TaskRunRowProperties {
  private static Path dir;
  private static RunStore store;

  @BeforeContainer
  static void open() throws IOException {
    dir = Files.createTempDirectory("sluice-store-props");
    store = RunStores.open(dir.resolve("p.db").toString(), Map.of());
  }

  @AfterContainer
  static void close() {
    store.close();
  }

  @Provide
  Arbitrary<List<State>> transitions() {
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    Arbitrary<State> state =
        Arbitraries.of(
            State.PENDING,
            State.RUNNING,
            State.RETRYING,
            new State.AwaitingRetry(at, 2),
            State.COMPLETED,
            new State.Cached("key-1", "disk"),
            new State.Failed(new IllegalStateException("failed")),
            new State.Crashed(new OutOfMemoryError("crashed")),
            new State.NotReady("up"));
    return state.list().ofMinSize(1).ofMaxSize(12);
  }

  @Property(tries = 300)
  void theRowFollowsTheTransitions(
      @ForAll("transitions") List<State> states, @ForAll("cuts") List<Boolean> flushAfter) {
    UUID run = UUID.randomUUID();
    UUID task = UUID.randomUUID();
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.MICROS);
    FlowInfo flow = new FlowInfo("p", "", "", List.of(), "");
    store
        .recorder()
        .flowRunStarted(new FlowRunStart(run, flow, "{}", null, null, t0, RunOwner.current()));
    List<Instant> times = new ArrayList<>();
    for (int i = 0; i < states.size(); i++) {
      Instant at = t0.plusMillis(i + 1);
      times.add(at);
      store
          .recorder()
          .taskRunStateChanged(
              new TaskRunEvent(
                  run, "p", task, "t", i == 0 ? null : states.get(i - 1), states.get(i), at, i));
      if (flushAfter.get(i % flushAfter.size())) {
        store.recorder().flush(Duration.ofSeconds(10));
      }
    }
    store
        .recorder()
        .flowRunStateChanged(
            new FlowRunEvent(run, "p", null, State.RUNNING, State.COMPLETED, t0.plusSeconds(1), 1));
    assertThat(store.recorder().flush(Duration.ofSeconds(10))).isTrue();

    TaskRunDetail row = store.history().flowRun(run).orElseThrow().taskRuns().get(0);
    State last = states.get(states.size() - 1);
    assertThat(row.history())
        .extracting(StateRecord::name)
        .containsExactlyElementsOf(states.stream().map(State::name).toList());
    assertThat(row.history()).extracting(StateRecord::at).containsExactlyElementsOf(times);
    assertThat(row.state().name()).isEqualTo(last.name());
    assertThat(row.state().message()).isEqualTo(last.message());
    assertThat(row.attempts()).isEqualTo(states.size() - 1);
    Instant firstStart = null;
    for (int i = 0; i < states.size(); i++) {
      if (states.get(i) == State.RUNNING || states.get(i) == State.RETRYING) {
        firstStart = times.get(i);
        break;
      }
    }
    assertThat(row.startTime()).isEqualTo(firstStart);
    assertThat(row.endTime()).isEqualTo(last.isFinal() ? times.get(times.size() - 1) : null);
    String expectedError = null;
    for (State s : states) {
      if (s instanceof State.Failed f) {
        expectedError = f.error().getClass().getName();
      } else if (s instanceof State.Crashed c) {
        expectedError = c.error().getClass().getName();
      } else if (s instanceof State.Pending) {
        expectedError = null;
      }
    }
    assertThat(row.error() == null ? null : row.error().type()).isEqualTo(expectedError);
    assertThat(row.cacheKey())
        .isEqualTo(states.stream().anyMatch(s -> s instanceof State.Cached) ? "key-1" : null);
  }

  @Provide
  Arbitrary<List<Boolean>> cuts() {
    return Arbitraries.of(true, false).list().ofMinSize(1).ofMaxSize(5);
  }
}
