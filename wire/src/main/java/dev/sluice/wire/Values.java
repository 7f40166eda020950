package dev.sluice.wire;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.TypeFactory;
import dev.sluice.api.Outcome;
import dev.sluice.api.State;
import java.io.IOException;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** {@link ValueCodec}'s values and arguments, with the {@link Mappers#PROTOCOL} mapper. */
final class Values {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Values() {}

  static String typeName(Type type) {
    return Mappers.PROTOCOL.getTypeFactory().constructType(type).toCanonical();
  }

  static Type type(String canonicalName) {
    return Mappers.PROTOCOL.getTypeFactory().constructFromCanonical(canonicalName);
  }

  /**
   * The type a value travels as: its declared type, or when that says nothing ({@code Object}, as
   * for DSL lambdas) the value's own type, with the element types of lists, sets and maps worked
   * out from their contents, so a {@code List<MyRecord>} arrives as one and not as a list of maps.
   */
  static JavaType travellingType(Type declared, @Nullable Object value) {
    TypeFactory types = Mappers.PROTOCOL.getTypeFactory();
    boolean unknown =
        declared == Object.class
            || declared instanceof JavaType java && java.getRawClass() == Object.class;
    return unknown && value != null ? infer(value, types) : types.constructType(declared);
  }

  private static JavaType infer(Object value, TypeFactory types) {
    return switch (value) {
      case List<?> list -> types.constructCollectionType(List.class, common(list, types));
      case Set<?> set -> types.constructCollectionType(Set.class, common(set, types));
      case Collection<?> other -> types.constructCollectionType(List.class, common(other, types));
      case Map<?, ?> map ->
          types.constructMapType(
              Map.class, common(map.keySet(), types), common(map.values(), types));
      default -> types.constructType(value.getClass());
    };
  }

  /** The type of every non-null element when they share one, else {@code Object}. */
  private static JavaType common(Iterable<?> elements, TypeFactory types) {
    JavaType common = null;
    for (Object element : elements) {
      if (element == null) {
        continue;
      }
      JavaType type = infer(element, types);
      if (common == null) {
        common = type;
      } else if (!common.equals(type)) {
        return types.constructType(Object.class);
      }
    }
    return common == null ? types.constructType(Object.class) : common;
  }

  static ObjectNode encode(Type declared, @Nullable Object value) {
    JavaType type = travellingType(declared, value);
    ObjectNode node = NODES.objectNode();
    node.put("type", type.toCanonical());
    JsonNode json;
    try {
      json = Mappers.PROTOCOL.valueToTree(value);
      if (value != null) {
        Mappers.PROTOCOL.treeToValue(json, type);
      }
    } catch (IllegalArgumentException | IOException e) {
      throw new IllegalArgumentException(
          "a value of type "
              + (value == null ? type.toCanonical() : value.getClass().getName())
              + " cannot be written as JSON and read back as "
              + type.toCanonical()
              + " ("
              + firstLine(e.getMessage())
              + ")",
          e);
    }
    node.set("value", json);
    return node;
  }

  static @Nullable Object decode(JsonNode node) throws IOException {
    JsonNode value = node.get("value");
    if (value == null || value.isNull()) {
      return null;
    }
    JavaType type =
        Mappers.PROTOCOL.getTypeFactory().constructFromCanonical(node.get("type").asText());
    return Mappers.PROTOCOL.treeToValue(value, type);
  }

  static ObjectNode encodeArgument(Type declared, boolean outcome, @Nullable Object value) {
    if (!outcome) {
      return encode(declared, value);
    }
    return switch ((Outcome<?>) value) {
      case Outcome.Success<?> success -> {
        ObjectNode node = encode(declared, success.value());
        node.put("outcome", "success");
        yield node;
      }
      case Outcome.Failure<?> failure -> {
        ObjectNode node = NODES.objectNode();
        node.put("outcome", "failure");
        node.set("state", encodeState(failure.state()));
        node.set("error", Errors.encode(failure.error()));
        yield node;
      }
      case Outcome.Skipped<?> skipped -> {
        ObjectNode node = NODES.objectNode();
        node.put("outcome", "skipped");
        node.put("reason", skipped.reason());
        yield node;
      }
      case null -> throw new IllegalArgumentException("an outcome argument is null");
    };
  }

  static @Nullable Object decodeArgument(JsonNode node) throws IOException {
    return switch (node.path("outcome").asText("")) {
      case "" -> decode(node);
      case "success" -> Outcome.success(decode(node));
      case "skipped" -> Outcome.skipped(node.path("reason").asText());
      case "failure" -> {
        Throwable error = Errors.decode(node.get("error"));
        yield Outcome.failure(decodeState(node.get("state"), error), error);
      }
      default -> throw new IOException("unknown outcome '" + node.get("outcome").asText() + "'");
    };
  }

  /** The final state of a failed upstream: its name and its data. */
  private static ObjectNode encodeState(State state) {
    ObjectNode node = NODES.objectNode();
    node.put("name", state.name());
    switch (state) {
      case State.TimedOut t -> node.put("timeout", String.valueOf(t.timeout()));
      case State.Cancelled c -> node.put("reason", c.reason());
      case State.NotReady n -> node.put("upstream", n.upstream());
      default -> {}
    }
    return node;
  }

  private static State decodeState(JsonNode node, Throwable error) {
    return switch (node.path("name").asText()) {
      case "Crashed" -> new State.Crashed(error);
      case "TimedOut" -> new State.TimedOut(Duration.parse(node.path("timeout").asText("PT0S")));
      case "Cancelled" -> new State.Cancelled(node.path("reason").asText());
      case "NotReady" -> new State.NotReady(node.path("upstream").asText());
      default -> new State.Failed(error);
    };
  }

  private static String firstLine(@Nullable String text) {
    if (text == null) {
      return "no detail";
    }
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
