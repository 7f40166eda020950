package dev.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void pausesDoubleFrom100msUpTo5sAndStayThere() {
    Backoff backoff = new Backoff();
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      millis.add(backoff.next().toMillis());
    }
    assertThat(millis)
        .containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L, 5000L, 5000L);
    assertThat(backoff.failures()).isEqualTo(10);
  }

  @Test
  void aSuccessStartsAgainAt100ms() {
    Backoff backoff = new Backoff();
    backoff.next();
    backoff.next();
    backoff.reset();
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.failures()).isEqualTo(1);
  }
}
