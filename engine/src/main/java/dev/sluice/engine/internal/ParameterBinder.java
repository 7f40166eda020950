package dev.sluice.engine.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.google.common.primitives.Primitives;
import dev.sluice.api.ParameterException;
import dev.sluice.api.spi.Parameter;
import dev.sluice.wire.Json;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns the parameters a caller gave into the values a run uses: defaults for what is missing,
 * values coerced to each parameter's type with Jackson ({@code "5"} becomes {@code 5}, {@code
 * "[1,2]"} a {@code List<Integer>}), and one {@link ParameterException} listing every problem.
 */
final class ParameterBinder {
  private ParameterBinder() {}

  /** The bound values in parameter order. */
  static @Nullable Object[] bind(
      String flowName, List<Parameter<?>> parameters, Map<String, ?> given) {
    List<String> problems = new ArrayList<>();
    Map<String, Parameter<?>> byName = new LinkedHashMap<>();
    for (Parameter<?> p : parameters) {
      byName.put(p.name(), p);
    }
    // Sorted, so the problems come in the same order whatever the map's iteration order.
    for (String name : new java.util.TreeSet<>(given.keySet())) {
      if (!byName.containsKey(name)) {
        problems.add(
            "'"
                + name
                + "' is not a parameter of this flow"
                + (byName.isEmpty() ? ", which has none" : "; it has " + byName.keySet()));
      }
    }
    @Nullable Object[] values = new Object[parameters.size()];
    for (int i = 0; i < values.length; i++) {
      Parameter<?> p = parameters.get(i);
      if (!given.containsKey(p.name())) {
        if (p.required()) {
          problems.add(
              "parameter '"
                  + p.name()
                  + "' ("
                  + simpleName(p.type())
                  + ") is required; give it a value or declare a default");
        } else {
          values[i] = p.defaultValue();
        }
        continue;
      }
      try {
        values[i] = coerce(given.get(p.name()), p.type());
      } catch (IllegalArgumentException e) {
        // In the user's terms: what was given and what is expected; Jackson's reason names its
        // own internals (features to disable, source locations, generic Java types).
        problems.add(
            "parameter '"
                + p.name()
                + "' ("
                + simpleName(p.type())
                + ") cannot take "
                + show(given.get(p.name()))
                + ": expected "
                + expected(Json.reader().getTypeFactory().constructType(p.type())));
      }
    }
    if (!problems.isEmpty()) {
      throw new ParameterException(flowName, problems);
    }
    return values;
  }

  /** {@code value} as a {@code type}, or an IllegalArgumentException saying why not. */
  static @Nullable Object coerce(@Nullable Object value, Type type) {
    JavaType target = Json.reader().getTypeFactory().constructType(type);
    if (value == null) {
      if (target.isPrimitive()) {
        throw new IllegalArgumentException("a primitive cannot be null");
      }
      return null;
    }
    Class<?> raw = target.getRawClass();
    if (!target.hasGenericTypes() && Primitives.wrap(raw).isInstance(value)) {
      return value;
    }
    try {
      if (value instanceof String text && raw != String.class && looksLikeJson(text)) {
        return STRICT.forType(target).readValue(text);
      }
      if (value instanceof String text && isIntegral(Primitives.wrap(raw))) {
        // Jackson reads "2.5" as 2 for an int; a fraction in a whole number is refused below.
        return STRICT.forType(target).readValue(quotedNumber(text));
      }
      // Through a tree, so the strict reader decides: 2.5 for an int, or 5e9 for an int, fails.
      JsonNode tree = (JsonNode) Json.convert(value, TREE);
      return STRICT.forType(target).readValue(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage(), e);
    } catch (java.io.IOException e) { // reading a tree: no I/O, but the signature says so
      throw new IllegalArgumentException(e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      Throwable cause = e.getCause();
      String reason =
          cause instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
      throw new IllegalArgumentException(reason, e);
    }
  }

  /**
   * The base reader refusing lossy numbers: a fraction for a whole-number type (Jackson's default
   * truncates {@code 2.5} to {@code 2}); out-of-range values fail in Jackson already.
   */
  private static final ObjectReader STRICT =
      Json.reader().without(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

  private static final JavaType TREE = Json.reader().getTypeFactory().constructType(JsonNode.class);

  private static boolean isIntegral(Class<?> type) {
    return type == Integer.class
        || type == Long.class
        || type == Short.class
        || type == Byte.class
        || type == java.math.BigInteger.class;
  }

  /** {@code text} as a JSON number when it is one, else as a JSON string (Jackson then says no). */
  private static String quotedNumber(String text) throws JsonProcessingException {
    String t = text.strip();
    return t.matches("[-+]?[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?") && !t.startsWith("+")
        ? t
        : Json.writer().writeValueAsString(t);
  }

  /** {@code java.util.List<java.lang.Integer>} as {@code List<Integer>}. */
  static String simpleName(Type type) {
    return type.getTypeName().replaceAll("\\b[a-z][a-z0-9_]*\\.", "").replace('$', '.');
  }

  /** What a value of {@code type} looks like, with an example, for a problem's text. */
  static String expected(JavaType type) {
    Class<?> raw = Primitives.wrap(type.getRawClass());
    if (raw == Integer.class) {
      return "a whole number from "
          + Integer.MIN_VALUE
          + " to "
          + Integer.MAX_VALUE
          + ", such as 5";
    } else if (raw == Long.class || raw == java.math.BigInteger.class) {
      return "a whole number such as 5";
    } else if (raw == Short.class) {
      return "a whole number from " + Short.MIN_VALUE + " to " + Short.MAX_VALUE + ", such as 5";
    } else if (raw == Byte.class) {
      return "a whole number from " + Byte.MIN_VALUE + " to " + Byte.MAX_VALUE + ", such as 5";
    } else if (raw == Double.class || raw == Float.class || raw == java.math.BigDecimal.class) {
      return "a number such as 2.5";
    } else if (raw == Boolean.class) {
      return "true or false";
    } else if (raw == String.class) {
      return "text";
    } else if (raw == Character.class) {
      return "one character";
    } else if (raw.isEnum()) {
      return "one of " + java.util.Arrays.toString(raw.getEnumConstants());
    } else if (raw == java.util.Optional.class && type.containedTypeCount() == 1) {
      return expected(type.containedType(0)) + ", or null";
    } else if (type.isCollectionLikeType() || type.isArrayType()) {
      JavaType element = type.getContentType();
      String example = example(element);
      return "a JSON list of "
          + plural(element)
          + (example == null
              ? ""
              : " such as ["
                  + example
                  + ","
                  + example.replace('1', '2')
                  + ","
                  + example.replace('1', '3')
                  + "]");
    } else if (type.isMapLikeType()) {
      String example = example(type.getContentType());
      return "a JSON object of "
          + plural(type.getContentType())
          + (example == null ? "" : " such as {\"a\": " + example + "}");
    } else if (raw == java.time.LocalDate.class) {
      return "an ISO date such as 2026-12-07";
    } else if (raw == java.time.LocalDateTime.class) {
      return "an ISO date and time such as 2026-12-07T10:15:30";
    } else if (raw == java.time.Instant.class) {
      return "an ISO instant such as 2026-12-07T10:15:30Z";
    } else if (raw == java.time.OffsetDateTime.class || raw == java.time.ZonedDateTime.class) {
      return "an ISO date and time with offset such as 2026-12-07T10:15:30+01:00";
    } else if (raw == java.time.Duration.class) {
      return "an ISO-8601 duration such as PT2S";
    } else if (raw.isRecord()) {
      List<String> fields = new ArrayList<>();
      for (var component : raw.getRecordComponents()) {
        fields.add(component.getName());
      }
      return "a JSON object with the fields " + fields + " of " + raw.getSimpleName();
    }
    return "a value of type " + simpleName(type.getRawClass());
  }

  private static @Nullable String example(JavaType type) {
    Class<?> raw = Primitives.wrap(type.getRawClass());
    if (raw == Integer.class || raw == Long.class || raw == Short.class || raw == Byte.class) {
      return "1";
    } else if (raw == Double.class || raw == Float.class) {
      return "2.5";
    } else if (raw == String.class) {
      return "\"a\"";
    } else if (raw == Boolean.class) {
      return "true";
    }
    return null;
  }

  private static String plural(JavaType element) {
    Class<?> raw = Primitives.wrap(element.getRawClass());
    if (raw == Integer.class || raw == Long.class || raw == Short.class || raw == Byte.class) {
      return "integers";
    } else if (raw == Double.class || raw == Float.class) {
      return "numbers";
    } else if (raw == String.class) {
      return "strings";
    } else if (raw == Boolean.class) {
      return "booleans";
    }
    return simpleName(element.getRawClass()) + " values";
  }

  private static boolean looksLikeJson(String text) {
    String t = text.strip();
    return t.startsWith("{") || t.startsWith("[") || t.startsWith("\"");
  }

  private static String show(@Nullable Object value) {
    if (value instanceof String s) {
      return '"' + (s.length() > 60 ? s.substring(0, 57) + "..." : s) + '"';
    }
    String text = String.valueOf(value);
    return text.length() > 60 ? text.substring(0, 57) + "..." : text;
  }
}
