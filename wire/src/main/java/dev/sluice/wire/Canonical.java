package dev.sluice.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.CharTypes;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The serializers of the canonical encoding ({@link Mappers#CANONICAL}): numbers by value, sets in
 * the order of their elements' encodings, and strings with a shortcut that writes the same bytes.
 */
final class Canonical {
  private Canonical() {}

  /** The module that adds this class's serializers to a mapper. */
  static SimpleModule module() {
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
    return numbers;
  }

  /**
   * The canonical text of a number: the rule that makes {@code 1}, {@code 1L}, {@code 1.0f}, {@code
   * 1.0} and {@code new BigDecimal("1.00")} the same key. A number is written by its decimal value:
   * an integral value as an integer, any other with trailing zeros dropped (a {@code float} or
   * {@code double} by its shortest decimal form, so {@code 0.1f} and {@code 0.1} agree). NaN and
   * the infinities are written as the strings {@code "NaN"}, {@code "Infinity"}, {@code
   * "-Infinity"}.
   */
  static String number(Number value) {
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
      String text = number(value);
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
     * encodes as {@code '?'}: a {@code '?'} is checked against the character. Eight bytes are
     * tested at a time (SWAR): a byte needs a look only if it is a control character, a quote, a
     * backslash, a {@code '?'} or not ASCII; a word with none of those is plain.
     */
    private static boolean plain(String value, byte[] bytes) {
      if (bytes.length != value.length()) {
        return false;
      }
      int i = 0;
      for (; i + 8 <= bytes.length; i += 8) {
        long word = (long) WORDS.get(bytes, i);
        if (suspect(word)) {
          break; // the byte-wise loop below decides
        }
      }
      for (; i < bytes.length; i++) {
        byte b = bytes[i];
        if (b < 0 || ESCAPES[b] != 0 || (b == '?' && value.charAt(i) != '?')) {
          return false;
        }
      }
      return true;
    }

    private static final VarHandle WORDS =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * Whether a word of eight bytes has a byte that is not ASCII, below 0x20, or one of {@code "},
     * {@code \\}, {@code ?}. Exact for ASCII words (the classic "has less than" and "has zero" bit
     * tricks); any word with a high bit set is suspect anyway.
     */
    private static boolean suspect(long word) {
      long control = (word - ONES * 0x20) & ~word;
      return ((word
                  | control
                  | zero(word ^ (ONES * '"'))
                  | zero(word ^ (ONES * '\\'))
                  | zero(word ^ (ONES * '?')))
              & HIGHS)
          != 0;
    }

    /** Nonzero high bits where (at least where) a byte of {@code word} is zero. */
    private static long zero(long word) {
      return (word - ONES) & ~word;
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
        encoded.add(Mappers.CANONICAL.writeValueAsBytes(element));
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
