package dev.sluice.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The canonical encoding that cache keys are hashed from. The cache's {@code KeysTest} pins the
 * hashes of these bytes; a change here invalidates every user's cache.
 */
class CanonicalTest {
  private static final ObjectMapper PLAIN = new ObjectMapper();

  record Order(String id, List<Integer> lines, LocalDate day, byte[] blob, Kind kind) {}

  enum Kind {
    RUSH,
    NORMAL
  }

  private static String canonical(Object value) throws Exception {
    return Json.canonicalWriter().writeValueAsString(value);
  }

  @Test
  void theCanonicalEncodingSortsNamesAndNormalizesNumbers() throws Exception {
    assertThat(canonical(Map.of("b", 2, "a", List.of(1.0, "x"))))
        .isEqualTo("{\"a\":[1,\"x\"],\"b\":2}");
    assertThat(
            canonical(
                new Order(
                    "o-1",
                    List.of(3, 1),
                    LocalDate.of(2024, 2, 29),
                    new byte[] {1, 2, 3},
                    Kind.RUSH)))
        .isEqualTo(
            "{\"blob\":\"AQID\",\"day\":\"2024-02-29\",\"id\":\"o-1\",\"kind\":\"RUSH\",\"lines\":[3,1]}");
    assertThat(Canonical.number(1.0)).isEqualTo("1");
    assertThat(Canonical.number(0.1f)).isEqualTo("0.1");
    assertThat(Canonical.number(new BigDecimal("2.500"))).isEqualTo("2.5");
    assertThat(Canonical.number(1e20)).isEqualTo("100000000000000000000");
    assertThat(Canonical.number(-0.0)).isEqualTo("0");
    assertThat(Canonical.number(Double.NaN)).isEqualTo("NaN");
  }

  @Test
  void equalNumbersOfAnyTypeAreWrittenAlike() throws Exception {
    for (Object one :
        List.of(1, 1L, (short) 1, 1.0f, 1.0, new BigDecimal("1.00"), BigInteger.ONE)) {
      assertThat(canonical(one)).isEqualTo("1");
    }
    assertThat(canonical(List.of(0.1f, 0.1, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY)))
        .isEqualTo("[0.1,0.1,\"Infinity\",\"-Infinity\"]");
  }

  @Test
  void timeAndOptionalValuesAreText() throws Exception {
    assertThat(
            canonical(
                List.of(
                    Instant.parse("2024-01-01T00:00:00Z"),
                    Duration.ofSeconds(90),
                    Optional.of(5),
                    Set.of())))
        .isEqualTo("[\"2024-01-01T00:00:00Z\",\"PT1M30S\",5,[]]");
  }

  @Test
  void aSetIsWrittenInTheOrderOfItsElementsEncodings() throws Exception {
    Set<Object> one = new LinkedHashSet<>(List.of("b", 10, "a", 9));
    Set<Object> other = new LinkedHashSet<>(List.of(9, "a", 10, "b"));

    assertThat(canonical(one)).isEqualTo(canonical(other)).isEqualTo("[\"a\",\"b\",10,9]");
  }

  @Test
  void longTextIsEncodedAsJacksonWritesIt() throws Exception {
    String base = "deliver to the back door, ".repeat(4);
    for (String text :
        List.of(
            base,
            base + "?",
            "?" + base,
            base + "\"quoted\"",
            base + "back\\slash",
            base + "line\nbreak\ttab\u0001\u001f\u007f",
            base + "caf\u00e9",
            base + "\u20ac",
            base + "\ud83d\ude00",
            "x".repeat(63),
            "x".repeat(64),
            "y".repeat(5000))) {
      assertThat(Json.canonicalWriter().writeValueAsBytes(text))
          .isEqualTo(PLAIN.writeValueAsBytes(text));
      assertThat(Json.canonicalWriter().writeValueAsBytes(List.of(text, Map.of("k", text))))
          .isEqualTo(PLAIN.writeValueAsBytes(List.of(text, Map.of("k", text))));
    }
  }

  @Test
  void aCharacterThatNeedsALookIsSeenWhereverItSitsInAWord() throws Exception {
    // The shortcut tests eight bytes at a time: each such character at each offset of a word.
    for (char special : "\"\\?\n\u0000\u001f\u0020\u007f\u00e9\u20ac\ud800".toCharArray()) {
      for (int at = 0; at <= 72; at++) {
        String text = "a".repeat(at) + special + "b".repeat(72 - at);
        byte[] expected;
        try {
          expected = PLAIN.writeValueAsBytes(text);
        } catch (Exception e) {
          continue; // a lone surrogate Jackson refuses: the other test covers it
        }
        assertThat(Json.canonicalWriter().writeValueAsBytes(text))
            .as("U+%04X at %d", (int) special, at)
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void aLoneSurrogateTakesJacksonsOwnPath() throws Exception {
    String text = "a".repeat(70) + "\ud800" + "b";
    Throwable plain = null;
    byte[] expected = null;
    try {
      expected = PLAIN.writeValueAsBytes(text);
    } catch (Exception e) {
      plain = e;
    }
    if (plain == null) {
      assertThat(Json.canonicalWriter().writeValueAsBytes(text)).isEqualTo(expected);
    } else {
      assertThatThrownBy(() -> Json.canonicalWriter().writeValueAsBytes(text))
          .isInstanceOf(plain.getClass());
    }
  }

  @Test
  void oneGeneratorTakesRootValuesOneAfterAnotherWithoutClosingItsStream() throws Exception {
    boolean[] closed = {false};
    ByteArrayOutputStream bytes =
        new ByteArrayOutputStream() {
          @Override
          public void close() {
            closed[0] = true;
          }
        };
    JsonGenerator json = Json.canonicalWriter().createGenerator(bytes);
    Json.canonicalWriter().writeValue(json, Map.of("b", 1, "a", 2));
    Json.canonicalWriter().writeValue(json, List.of(1.0));
    json.flush();

    assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("{\"a\":2,\"b\":1}[1]");
    assertThat(closed[0]).isFalse();
    assertThat(json.isEnabled(JsonGenerator.Feature.AUTO_CLOSE_TARGET)).isFalse();
    assertThat(json.isEnabled(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM)).isFalse();
  }
}
