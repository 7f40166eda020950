package dev.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class ActiveRunsTest {
  @Test
  void aRunIsActiveFromItsStartToItsEnd() {
    ActiveRuns runs = new ActiveRuns();
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    assertThat(runs.isEmpty()).isTrue();
    runs.started(a);
    runs.started(b);
    assertThat(runs.unfinished()).containsExactlyInAnyOrder(a, b);
    runs.ended(a);
    assertThat(runs.unfinished()).containsExactly(b);
    runs.ended(b);
    assertThat(runs.isEmpty()).isTrue();
  }

  @Test
  void theLogCaptureStillFindsRecentlyEndedRunsButNotOldOnes() {
    ActiveRuns runs = new ActiveRuns();
    UUID first = UUID.randomUUID();
    runs.started(first);
    runs.ended(first);
    assertThat(runs.lookup(first.toString())).isEqualTo(first);
    for (int i = 0; i < ActiveRuns.RECENTLY_ENDED; i++) {
      UUID other = UUID.randomUUID();
      runs.started(other);
      runs.ended(other);
    }
    assertThat(runs.lookup(first.toString())).isNull();
    assertThat(runs.lookup(UUID.randomUUID().toString())).isNull();
  }

  @Test
  void aCancelIsToldOncePerUnfinishedRun() {
    ActiveRuns runs = new ActiveRuns();
    UUID a = UUID.randomUUID();
    runs.started(a);
    assertThat(runs.firstCancel(a)).isTrue();
    assertThat(runs.firstCancel(a)).isFalse();
    assertThat(runs.firstCancel(UUID.randomUUID())).isFalse(); // not recorded here
    runs.ended(a);
    assertThat(runs.firstCancel(a)).isFalse(); // ended
  }
}
