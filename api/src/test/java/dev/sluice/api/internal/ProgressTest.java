package dev.sluice.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.StateType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Counting steps by state, and the line that shows the counts. */
class ProgressTest {
  @Test
  void eachStepCountsOnceByItsStateAndFailuresAreDoneToo() {
    Progress progress =
        Progress.of("etl", 7, Duration.ofSeconds(42))
            .plus(StateType.COMPLETED, true)
            .plus(StateType.COMPLETED, true) // Skipped, Cached are COMPLETED too
            .plus(StateType.FAILED, true)
            .plus(StateType.CRASHED, true)
            .plus(StateType.PENDING, true) // NotReady: final, not a failure of its own
            .plus(StateType.RUNNING, false)
            .plus(StateType.SCHEDULED, false) // awaiting a retry
            .plus(StateType.PENDING, false)
            .plus(StateType.CANCELLED, false); // Cancelling

    assertThat(progress.done()).isEqualTo(5);
    assertThat(progress.failed()).isEqualTo(2);
    assertThat(progress.running()).isEqualTo(1);
    assertThat(progress.waiting()).isEqualTo(1);
    assertThat(progress.line())
        .isEqualTo("etl: 5/7 done, 1 running, 1 waiting, 2 failed, 42 s elapsed");
  }

  @Test
  void waitingIsShownOnlyWhenSomeStepWaits() {
    Progress progress =
        Progress.of("demo", 3, Duration.ofSeconds(185)).plus(StateType.RUNNING, false);

    assertThat(progress.line()).isEqualTo("demo: 0/3 done, 1 running, 0 failed, 3 min 5 s elapsed");
  }

  @Test
  void moreDoneThanStepsNeverShowsMoreThanAll() {
    Progress progress =
        Progress.of("f", 1, Duration.ZERO)
            .plus(StateType.COMPLETED, true)
            .plus(StateType.COMPLETED, true);

    assertThat(progress.line()).startsWith("f: 2/2 done");
  }
}
