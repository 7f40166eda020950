package dev.sluice.engine.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The engine's one Jackson configuration. No default typing: JSON never chooses the Java class it
 * becomes. Public only for tools (the {@code sluice} command) that print JSON with it.
 */
public final class Json {
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new Jdk8Module())
          .addModule(new JavaTimeModule())
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
          .build();

  private Json() {}

  /**
   * A writer for output people and scripts read: indented, instants and durations as ISO-8601
   * strings.
   */
  public static ObjectWriter outputWriter() {
    return MAPPER
        .writer()
        .with(SerializationFeature.INDENT_OUTPUT)
        .without(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .without(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
  }
}
