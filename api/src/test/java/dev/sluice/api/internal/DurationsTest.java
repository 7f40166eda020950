package dev.sluice.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void belowAMillisecondInWholeMicroseconds() {
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0 \u00b5s");
    assertThat(Durations.format(Duration.ofNanos(999))).isEqualTo("0 \u00b5s");
    assertThat(Durations.format(Duration.ofNanos(850_000))).isEqualTo("850 \u00b5s");
    assertThat(Durations.format(Duration.ofNanos(999_999))).isEqualTo("999 \u00b5s");
  }

  @Test
  void belowASecondInMillisecondsWithOneDecimal() {
    assertThat(Durations.format(Duration.ofMillis(1))).isEqualTo("1.0 ms");
    assertThat(Durations.format(Duration.ofNanos(12_340_000))).isEqualTo("12.3 ms");
    assertThat(Durations.format(Duration.ofNanos(12_360_000))).isEqualTo("12.4 ms");
    assertThat(Durations.format(Duration.ofMillis(999))).isEqualTo("999.0 ms");
  }

  @Test
  void belowAMinuteInSecondsWithTwoDecimals() {
    assertThat(Durations.format(Duration.ofSeconds(1))).isEqualTo("1.00 s");
    assertThat(Durations.format(Duration.ofMillis(4_021))).isEqualTo("4.02 s");
    assertThat(Durations.format(Duration.ofMillis(59_990))).isEqualTo("59.99 s");
  }

  @Test
  void fromAMinuteInWholeMinutesAndSeconds() {
    assertThat(Durations.format(Duration.ofMinutes(1))).isEqualTo("1 min 0 s");
    assertThat(Durations.format(Duration.ofSeconds(185))).isEqualTo("3 min 5 s");
    assertThat(Durations.format(Duration.ofHours(2).plusSeconds(1))).isEqualTo("120 min 1 s");
  }

  @Test
  void decimalsUseAPointWhateverTheDefaultLocale() {
    Locale saved = Locale.getDefault();
    try {
      for (Locale locale : new Locale[] {Locale.GERMANY, Locale.forLanguageTag("tr-TR")}) {
        Locale.setDefault(locale);

        assertThat(Durations.format(Duration.ofNanos(12_340_000))).isEqualTo("12.3 ms");
        assertThat(Durations.format(Duration.ofMillis(4_021))).isEqualTo("4.02 s");
      }
    } finally {
      Locale.setDefault(saved);
    }
  }

  @Test
  void roundingNeverShowsAValueThatBelongsToTheNextUnit() {
    // Either unit is fine, as long as the number fits the unit it is shown in.
    assertThat(Durations.format(Duration.ofNanos(999_960_000))).isIn("1.00 s", "999.9 ms");
    assertThat(Durations.format(Duration.ofNanos(59_996_000_000L))).isIn("1 min 0 s", "59.99 s");
  }

  @Test
  void wholeSecondsForAClockThatTicks() {
    assertThat(Durations.formatSeconds(Duration.ofMillis(999))).isEqualTo("0 s");
    assertThat(Durations.formatSeconds(Duration.ofMillis(42_700))).isEqualTo("42 s");
    assertThat(Durations.formatSeconds(Duration.ofSeconds(185))).isEqualTo("3 min 5 s");
    assertThat(Durations.formatSeconds(Duration.ofMinutes(123))).isEqualTo("2 h 3 min");
    assertThat(Durations.formatSeconds(Duration.ofSeconds(-3))).isEqualTo("0 s");
  }
}
