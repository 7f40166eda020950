package dev.sluice.wire;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.jspecify.annotations.Nullable;

/**
 * Sluice's one Jackson configuration, as immutable readers and writers. There is one base
 * configuration — {@code Optional} and {@code java.time} support, a {@code null} for a primitive is
 * an error, a time read with an offset keeps it, and never default typing (JSON never names the
 * Java class it becomes; the caller's declared type does) — and every view here is derived from it,
 * adding only what its use needs:
 *
 * <ul>
 *   <li>{@link #reader()}, {@link #writer()}, {@link #convert}: the base itself (dates, times and
 *       durations as Jackson's defaults: an instant or a duration as a number, a local date as an
 *       array), for the engine's parameter coercion and the parameters it records;
 *   <li>{@link #outputWriter()}: output that people and scripts read — indented, dates, times and
 *       durations as ISO-8601 text;
 *   <li>{@link #storedReader()}, {@link #storedWriter()}: values kept on disk, such as cached
 *       results — dates, times and durations as ISO-8601 text, nothing allowed after a document's
 *       value;
 *   <li>{@link #canonicalWriter()}: the canonical encoding cache keys are hashed from;
 *   <li>{@link ValueCodec}: values that travel between processes with their declared types.
 * </ul>
 *
 * <p>The views differ only where the modules they came from differed, so that cache entries,
 * recorded parameters, cache keys and the subprocess protocol stay as they were. Readers and
 * writers are immutable and thread-safe; {@code with...}/{@code without...} make further views of
 * them without changing anything here.
 */
public final class Json {
  private static final ObjectReader READER = Mappers.BASE.reader();
  private static final ObjectWriter WRITER = Mappers.BASE.writer();
  private static final ObjectWriter OUTPUT =
      Mappers.BASE
          .writer()
          .with(SerializationFeature.INDENT_OUTPUT)
          .without(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .without(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
  private static final ObjectReader STORED_READER = Mappers.STORED.reader();
  private static final ObjectWriter STORED_WRITER = Mappers.STORED.writer();
  private static final ObjectWriter CANONICAL =
      Mappers.CANONICAL.writer().withRootValueSeparator("");

  private Json() {}

  /**
   * A reader with the base configuration; {@code reader().forType(type)} reads a value as {@code
   * type}, and its {@link ObjectReader#getTypeFactory() type factory} builds such types.
   */
  public static ObjectReader reader() {
    return READER;
  }

  /** A writer with the base configuration: compact, dates, times and durations as numbers. */
  public static ObjectWriter writer() {
    return WRITER;
  }

  /**
   * {@code value} converted to {@code type} with the base configuration (Jackson's {@code
   * convertValue}: a {@code "5"} becomes {@code 5}, a map a record).
   *
   * @throws IllegalArgumentException when it cannot be, its cause saying why
   */
  public static @Nullable Object convert(@Nullable Object value, JavaType type) {
    return Mappers.BASE.convertValue(value, type);
  }

  /**
   * A writer for output people and scripts read: indented, dates, times and durations as ISO-8601
   * strings. {@code outputWriter().without(SerializationFeature.INDENT_OUTPUT)} writes one line.
   */
  public static ObjectWriter outputWriter() {
    return OUTPUT;
  }

  /**
   * A reader for values kept on disk (written by {@link #storedWriter()}): a document with anything
   * after its value is refused.
   */
  public static ObjectReader storedReader() {
    return STORED_READER;
  }

  /** A writer for values kept on disk: compact, dates, times and durations as ISO-8601 strings. */
  public static ObjectWriter storedWriter() {
    return STORED_WRITER;
  }

  /**
   * The canonical encoding that cache keys are hashed from: object properties and map entries
   * sorted by name, set elements sorted by their encodings, a number by its decimal value (so
   * {@code 1}, {@code 1L}, {@code 1.0f} and {@code new BigDecimal("1.00")} are written alike, and
   * NaN and the infinities as strings), {@code java.time} values as ISO-8601 text, byte arrays as
   * base64. Its generators neither close nor flush the stream they write to, and root values
   * written one after another on one generator are not separated, so a stream can take many. Every
   * cache key depends on these bytes.
   */
  public static ObjectWriter canonicalWriter() {
    return CANONICAL;
  }
}
