package dev.sluice.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectWriter;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The API's instants read exactly as {@link DateTimeFormatter#ISO_INSTANT} writes them. */
class IsoInstantsProperties {
  private static final ObjectWriter WRITER = ApiJson.writer();

  @Property(tries = 5000)
  void writesWhatTheIsoFormatterWrites(@ForAll("instants") Instant t) throws Exception {
    assertThat(WRITER.writeValueAsString(t))
        .isEqualTo('"' + DateTimeFormatter.ISO_INSTANT.format(t) + '"');
  }

  @Example
  void yearsBeyondFourDigitsTakeTheFormatter() throws Exception {
    for (Instant t :
        new Instant[] {Instant.MIN, Instant.MAX, Instant.parse("-0001-12-31T23:59:59Z")}) {
      assertThat(WRITER.writeValueAsString(t))
          .isEqualTo('"' + DateTimeFormatter.ISO_INSTANT.format(t) + '"');
    }
  }

  @Provide
  Arbitrary<Instant> instants() {
    long first = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    Arbitrary<Long> seconds =
        Arbitraries.oneOf(
            Arbitraries.longs().between(first, last),
            Arbitraries.longs().between(-86_400L * 2, 86_400L * 2),
            Arbitraries.of(first, last, 0L, -1L));
    Arbitrary<Integer> nanos =
        Arbitraries.oneOf(
            Arbitraries.of(0),
            Arbitraries.integers().between(0, 999).map(n -> n * 1_000_000),
            Arbitraries.integers().between(0, 999_999).map(n -> n * 1000),
            Arbitraries.integers().between(0, 999_999_999));
    return seconds.flatMap(s -> nanos.map(n -> Instant.ofEpochSecond(s, n)));
  }
}
