package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class SinceTest {
  private static final Instant NOW = Instant.parse("2026-11-23T21:30:00Z");
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  @Test
  void agesCountBackFromNow() {
    assertThat(Since.parse("30s", NOW, PARIS)).isEqualTo(NOW.minusSeconds(30));
    assertThat(Since.parse("15m", NOW, PARIS)).isEqualTo(NOW.minus(Duration.ofMinutes(15)));
    assertThat(Since.parse("15min", NOW, PARIS)).isEqualTo(NOW.minus(Duration.ofMinutes(15)));
    assertThat(Since.parse("1h", NOW, PARIS)).isEqualTo(NOW.minus(Duration.ofHours(1)));
    assertThat(Since.parse("2D", NOW, PARIS)).isEqualTo(NOW.minus(Duration.ofDays(2)));
    assertThat(Since.parse("1w", NOW, PARIS)).isEqualTo(NOW.minus(Duration.ofDays(7)));
    assertThat(Since.parse("PT90M", NOW, PARIS)).isEqualTo(NOW.minus(Duration.ofMinutes(90)));
  }

  @Test
  void instantsDatesAndLocalTimes() {
    assertThat(Since.parse("2026-11-23T20:00:00Z", NOW, PARIS))
        .isEqualTo(Instant.parse("2026-11-23T20:00:00Z"));
    assertThat(Since.parse("2026-11-23T20:00:00+02:00", NOW, PARIS))
        .isEqualTo(Instant.parse("2026-11-23T18:00:00Z"));
    // Local date-times and dates are in the user's zone (Paris is UTC+1 in November).
    assertThat(Since.parse("2026-11-23T20:00:00", NOW, PARIS))
        .isEqualTo(Instant.parse("2026-11-23T19:00:00Z"));
    assertThat(Since.parse("2026-11-23", NOW, PARIS))
        .isEqualTo(Instant.parse("2026-11-22T23:00:00Z"));
  }

  @Test
  void nonsenseSaysWhatIsAccepted() {
    for (String bad : new String[] {"yesterday", "5 parsecs", "2026-13-01", "-1h", ""}) {
      assertThatThrownBy(() -> Since.parse(bad, NOW, PARIS))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "' is not a time")
          .hasMessageContaining("1h")
          .hasMessageContaining("2026-11-23T21:00:00Z");
    }
  }
}
