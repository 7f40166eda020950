package dev.sluice.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;

/**
 * Sluice's one Jackson configuration, {@link #BASE}, and the mappers derived from it. Each derived
 * mapper is a {@linkplain JsonMapper#rebuild() rebuild} of the base, so it has the base's modules
 * and features and only adds what its use needs; none is configured from scratch, and none enables
 * default typing. What each adds, and why, is on the field; {@link Json} holds the views built on
 * them.
 */
final class Mappers {
  private Mappers() {}

  /**
   * The base: {@code Optional} and {@code java.time} support, a {@code null} for a primitive is an
   * error, and a time read with an offset keeps it (not moved to UTC). Dates, times and durations
   * are written as Jackson's defaults (an instant or a duration as a number, a local date as an
   * array). The engine coerces parameters and records them with it.
   */
  static final JsonMapper BASE =
      JsonMapper.builder()
          .addModule(new Jdk8Module())
          .addModule(new JavaTimeModule())
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
          .build();

  /**
   * Values that travel between processes ({@link ValueCodec}): dates and times as ISO-8601 text.
   * Durations stay numbers, as protocol version 1 has always sent them; the shape matters, since a
   * value declared as {@code Object} inside a container arrives as what its JSON reads as.
   */
  static final JsonMapper PROTOCOL =
      BASE.rebuild().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

  /**
   * Values kept on disk (the cache's results and entry headers): dates, times and durations as
   * ISO-8601 text, and a document with anything after its value is refused, so a damaged entry is
   * not taken for a valid one.
   */
  static final JsonMapper STORED =
      BASE.rebuild()
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /**
   * The canonical encoding of cache keys (write only): properties and map entries sorted by name,
   * set elements sorted by their encoding, numbers by value ({@link Canonical#number}), {@code
   * java.time} values as ISO-8601 text, byte arrays as base64. Its generators neither close nor
   * flush the stream they write to, so the cache streams many keys through one. Every key hash
   * depends on these bytes: a change here must bump the cache's key format.
   */
  static final JsonMapper CANONICAL =
      BASE.rebuild()
          .addModule(Canonical.module())
          .addModule(new BlackbirdModule()) // generated accessors: the same bytes, sooner
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .disable(MapperFeature.SORT_CREATOR_PROPERTIES_FIRST)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DATE_TIMESTAMPS_AS_NANOSECONDS)
          .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
          .disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM)
          .build();

  /**
   * The server's HTTP API ({@link ApiJson}): generated accessors instead of reflection (Blackbird:
   * the API writes and reads many records per request), dates, times and durations as ISO-8601
   * text, states, errors and recorded parameters as {@link ApiModule} writes them, and a document
   * with an unknown property, or anything after its value, refused.
   */
  static final JsonMapper API =
      BASE.rebuild()
          .addModule(new BlackbirdModule())
          .addModule(ApiModule.module())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();
}
