package dev.sluice.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One base configuration; each view adds only what its use needs. */
class JsonTest {
  private static final List<ObjectMapper> ALL =
      List.of(Mappers.BASE, Mappers.PROTOCOL, Mappers.STORED, Mappers.CANONICAL);

  record Point(int x, int y) {}

  record When(Instant at, Duration took) {}

  private static final When WHEN =
      new When(Instant.parse("2024-01-01T00:00:00Z"), Duration.ofSeconds(90));

  @Test
  void everyMapperHasTheBaseConfigurationAndNoneHasDefaultTyping() {
    for (ObjectMapper mapper : ALL) {
      assertThat(mapper.getRegisteredModuleIds())
          .containsAll(Mappers.BASE.getRegisteredModuleIds())
          .hasSizeGreaterThanOrEqualTo(2);
      assertThat(mapper.isEnabled(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)).isTrue();
      assertThat(mapper.isEnabled(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE))
          .isFalse();
      JavaType object = mapper.constructType(Object.class);
      assertThat(mapper.getSerializationConfig().getDefaultTyper(object)).isNull();
      assertThat(mapper.getDeserializationConfig().getDefaultTyper(object)).isNull();
    }
  }

  @Test
  void theBaseWritesTimeAsNumbersAndCoercesValues() throws Exception {
    assertThat(Json.writer().writeValueAsString(WHEN))
        .isEqualTo("{\"at\":1704067200.000000000,\"took\":90.000000000}");
    JavaType point = Json.reader().getTypeFactory().constructType(Point.class);
    assertThat(Json.convert(Map.of("x", "1", "y", 2), point)).isEqualTo(new Point(1, 2));
    assertThat(Json.reader().forType(point).<Point>readValue("{\"x\":3,\"y\":4}"))
        .isEqualTo(new Point(3, 4));
    assertThat(Json.convert("PT2S", Json.reader().getTypeFactory().constructType(Duration.class)))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(
            Json.convert(Optional.of(5), Json.reader().getTypeFactory().constructType(int.class)))
        .isEqualTo(5);
  }

  @Test
  void aNullForAPrimitiveIsRefusedAndAnOffsetIsKept() throws Exception {
    assertThatThrownBy(() -> Json.reader().forType(Point.class).readValue("{\"x\":null,\"y\":1}"))
        .isInstanceOf(MismatchedInputException.class);
    OffsetDateTime read =
        Json.reader().forType(OffsetDateTime.class).readValue("\"2024-01-01T10:00:00+02:00\"");
    assertThat(read.getOffset().getTotalSeconds()).isEqualTo(7200);
  }

  @Test
  void theOutputWriterIsIndentedWithIsoTime() throws Exception {
    assertThat(Json.outputWriter().writeValueAsString(WHEN))
        .isEqualTo(
            "{"
                + System.lineSeparator()
                + "  \"at\" : \"2024-01-01T00:00:00Z\","
                + System.lineSeparator()
                + "  \"took\" : \"PT1M30S\""
                + System.lineSeparator()
                + "}");
    assertThat(
            Json.outputWriter()
                .without(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(WHEN))
        .isEqualTo("{\"at\":\"2024-01-01T00:00:00Z\",\"took\":\"PT1M30S\"}");
  }

  @Test
  void storedValuesAreIsoTimeAndNothingMayFollowThem() throws Exception {
    String stored = Json.storedWriter().writeValueAsString(WHEN);
    assertThat(stored).isEqualTo("{\"at\":\"2024-01-01T00:00:00Z\",\"took\":\"PT1M30S\"}");
    assertThat(Json.storedReader().forType(When.class).<When>readValue(stored)).isEqualTo(WHEN);
    assertThatThrownBy(() -> Json.storedReader().forType(When.class).readValue(stored + " {}"))
        .isInstanceOf(MismatchedInputException.class);
    // the base reads the first value and ignores the rest, as parameter coercion always has
    assertThat(Json.reader().forType(Point.class).<Point>readValue("{\"x\":1,\"y\":2} {}"))
        .isEqualTo(new Point(1, 2));
  }
}
