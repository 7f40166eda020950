package dev.sluice.api.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.State;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunStoresTest {
  @Test
  void withoutAProviderOpeningSaysWhichDependencyToAdd() {
    // The api module's class path has no run-store implementation.
    assertThatThrownBy(() -> RunStores.open("/tmp/x.db", Map.of()))
        .isInstanceOf(RunStoreException.class)
        .hasMessageContaining("/tmp/x.db")
        .hasMessageContaining("sluice-store")
        .hasMessageContaining("sluice.store=off");
  }

  @Test
  void aStateRecordIsFinalExactlyWhenItsStateIs() {
    Instant now = Instant.now();
    List<State> states =
        List.of(
            State.SCHEDULED,
            new State.Late(now),
            new State.AwaitingRetry(now, 2),
            new State.AwaitingConcurrencySlot(Set.of("db")),
            State.PENDING,
            new State.NotReady("up"),
            State.RUNNING,
            State.RETRYING,
            State.COMPLETED,
            new State.Cached("k", "disk"),
            new State.Skipped("no"),
            new State.Failed(new IllegalStateException()),
            new State.TimedOut(Duration.ofSeconds(1)),
            new State.Crashed(new OutOfMemoryError()),
            new State.Cancelled("stop"),
            State.CANCELLING);
    for (State state : states) {
      StateRecord recorded = new StateRecord(state.type(), state.name(), state.message(), now);
      assertThat(recorded.isFinal()).as(state.name()).isEqualTo(state.isFinal());
    }
  }

  @Test
  void flowRunQueriesNormaliseStatesAndRefuseANonPositiveLimit() {
    FlowRunQuery query = FlowRunQuery.recent(5).withStates(Set.of(" Failed ", "RUNNING"));
    assertThat(query.states()).containsExactlyInAnyOrder("failed", "running");
    assertThat(FlowRunQuery.recent(5).withIdPrefix("01A2").idPrefix()).isEqualTo("01a2");
    assertThatThrownBy(() -> FlowRunQuery.recent(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limit");
  }
}
