package dev.sluice.cache;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.CharTypes;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The cache module's two Jackson configurations, both without default typing (JSON never chooses a
 * Java class):
 *
 * <ul>
 *   <li>{@link #CANONICAL} encodes values for keys: properties and map entries sorted by name, set
 *       elements sorted by their encoding, numbers by value (see {@link #canonicalNumber}), {@code
 *       java.time} values as ISO-8601 text, byte arrays as base64.
 *   <li>{@link #RESULTS} writes and reads cached results as their declared type.
 * </ul>
 */
final class CacheJson {
  private CacheJson() {}

  static final ObjectMapper CANONICAL = canonical();

  static final ObjectMapper RESULTS =
      JsonMapper.builder()
          .addModule(new Jdk8Module())
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static ObjectMapper canonical() {
    SimpleModule numbers = new SimpleModule("sluice-canonical");
    JsonSerializer<Number> number = new CanonicalNumber();
    for (Class<?> type :
        List.of(
            Double.class,
            Double.TYPE,
            Float.class,
            Float.TYPE,
            BigDecimal.class,
            BigInteger.class)) {
      @SuppressWarnings("unchecked")
      Class<Number> numberType = (Class<Number>) type;
      numbers.addSerializer(numberType, number);
    }
    @SuppressWarnings({"unchecked", "rawtypes"})
    Class<Set<?>> setType = (Class) Set.class;
    numbers.addSerializer(setType, new SortedSet());
    numbers.addSerializer(String.class, new Text());
    return JsonMapper.builder()
        .addModule(new Jdk8Module())
        .addModule(new JavaTimeModule())
        .addModule(numbers)
        .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
        .disable(MapperFeature.SORT_CREATOR_PROPERTIES_FIRST)
        .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DATE_TIMESTAMPS_AS_NANOSECONDS)
        .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
        .disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM)
        .build();
  }

  /**
   * The canonical text of a number: the rule that makes {@code 1}, {@code 1L}, {@code 1.0f}, {@code
   * 1.0} and {@code new BigDecimal("1.00")} the same key. A number is written by its decimal value:
   * an integral value as an integer, any other with trailing zeros dropped (a {@code float} or
   * {@code double} by its shortest decimal form, so {@code 0.1f} and {@code 0.1} agree). NaN and
   * the infinities are written as the strings {@code "NaN"}, {@code "Infinity"}, {@code
   * "-Infinity"}.
   */
  static String canonicalNumber(Number value) {
    BigDecimal decimal;
    switch (value) {
      case Double d -> {
        if (d.isNaN() || d.isInfinite()) {
          return d.toString();
        }
        decimal = BigDecimal.valueOf(d);
      }
      case Float f -> {
        if (f.isNaN() || f.isInfinite()) {
          return f.toString();
        }
        decimal = new BigDecimal(f.toString());
      }
      case BigDecimal b -> decimal = b;
      case BigInteger i -> {
        return i.toString();
      }
      default -> {
        return Long.toString(value.longValue());
      }
    }
    if (decimal.signum() == 0) {
      return "0";
    }
    BigDecimal stripped = decimal.stripTrailingZeros();
    if (stripped.scale() <= 0) {
      return stripped.toBigInteger().toString();
    }
    return stripped.toString();
  }

  private static final class CanonicalNumber extends JsonSerializer<Number> {
    @Override
    public void serialize(Number value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      String text = canonicalNumber(value);
      char first = text.charAt(0);
      if (first == 'N' || first == 'I' || (first == '-' && text.charAt(1) == 'I')) {
        gen.writeString(text);
      } else {
        gen.writeNumber(text);
      }
    }
  }

  /**
   * Strings as Jackson writes them, with a shortcut for long plain ASCII text (no character JSON
   * escapes): its bytes are copied into the output as they are, instead of char by char. The output
   * is the same either way.
   */
  private static final class Text extends JsonSerializer<String> {
    private static final int SHORTCUT_FROM = 64;
    private static final int[] ESCAPES = CharTypes.get7BitOutputEscapes();

    @Override
    public void serialize(String value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      if (value.length() >= SHORTCUT_FROM && gen.getCharacterEscapes() == null) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (plain(value, bytes)) {
          gen.writeRawUTF8String(bytes, 0, bytes.length);
          return;
        }
      }
      gen.writeString(value);
    }

    /**
     * Whether {@code bytes}, the UTF-8 of {@code value}, is one ASCII byte per character and none
     * needs escaping. Equal lengths mean every character is ASCII or a lone surrogate, which UTF-8
     * encodes as {@code '?'}: a {@code '?'} is checked against the character.
     */
    private static boolean plain(String value, byte[] bytes) {
      if (bytes.length != value.length()) {
        return false;
      }
      for (int i = 0; i < bytes.length; i++) {
        byte b = bytes[i];
        if (ESCAPES[b] != 0 || (b == '?' && value.charAt(i) != '?')) {
          return false;
        }
      }
      return true;
    }

    @Override
    public boolean isEmpty(SerializerProvider provider, String value) {
      return value.isEmpty();
    }
  }

  /** A set's elements in the order of their canonical encodings, so insertion order is moot. */
  private static final class SortedSet extends JsonSerializer<Set<?>> {
    @Override
    public void serialize(Set<?> value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      List<byte[]> encoded = new ArrayList<>(value.size());
      for (Object element : value) {
        encoded.add(CANONICAL.writeValueAsBytes(element));
      }
      encoded.sort(Arrays::compareUnsigned);
      gen.writeStartArray(value, encoded.size());
      for (byte[] element : encoded) {
        gen.writeRawValue(new String(element, StandardCharsets.UTF_8));
      }
      gen.writeEndArray();
    }
  }
}
