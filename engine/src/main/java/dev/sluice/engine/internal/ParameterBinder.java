package dev.sluice.engine.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
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
    for (String name : given.keySet()) {
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
                  + p.type().getTypeName()
                  + ") is required; give it a value or declare a default");
        } else {
          values[i] = p.defaultValue();
        }
        continue;
      }
      try {
        values[i] = coerce(given.get(p.name()), p.type());
      } catch (IllegalArgumentException e) {
        problems.add(
            "parameter '"
                + p.name()
                + "' ("
                + p.type().getTypeName()
                + ") cannot take "
                + show(given.get(p.name()))
                + ": "
                + e.getMessage());
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
        return Json.reader().forType(target).readValue(text);
      }
      return Json.convert(value, target);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage(), e);
    } catch (IllegalArgumentException e) {
      Throwable cause = e.getCause();
      String reason =
          cause instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
      throw new IllegalArgumentException(reason, e);
    }
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
