package dev.sluice.executor.subprocess;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sluice.api.Outcome;
import dev.sluice.api.State;
import dev.sluice.api.executor.RemoteTaskException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The wire protocol shared by the parent and its workers (version {@link #VERSION}, written down in
 * {@code docs/subprocess.md}): frames of a 4-byte big-endian length followed by that many bytes of
 * UTF-8 JSON, one object per frame, its kind in {@code "op"}.
 */
final class Wire {
  /** The protocol version; a worker that speaks another one is refused at its hello. */
  static final int VERSION = 1;

  /** The largest frame either side accepts, so a corrupt length cannot allocate gigabytes. */
  static final int MAX_FRAME = 256 * 1024 * 1024;

  /**
   * The wire's Jackson configuration, the same as the engine's (no default typing: the JSON never
   * names the class it becomes; the declared type sent beside it does, from a trusted peer).
   */
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new Jdk8Module())
          .addModule(new JavaTimeModule())
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .build();

  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Wire() {}

  /** Writes one frame and flushes it. Callers serialize writes to one stream. */
  static void write(DataOutputStream out, ObjectNode frame) throws IOException {
    byte[] bytes = MAPPER.writeValueAsBytes(frame);
    out.writeInt(bytes.length);
    out.write(bytes);
    out.flush();
  }

  /**
   * Reads one frame.
   *
   * @throws EOFException when the peer closed the stream between frames
   */
  static ObjectNode read(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > MAX_FRAME) {
      throw new IOException("corrupt frame: length " + length);
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    JsonNode node = MAPPER.readTree(bytes);
    if (!(node instanceof ObjectNode object)) {
      throw new IOException("corrupt frame: not a JSON object");
    }
    return object;
  }

  // ---- values with their types

  /** The canonical name of {@code type} (e.g. {@code java.util.List<java.lang.Integer>}). */
  static String typeName(Type type) {
    return MAPPER.getTypeFactory().constructType(type).toCanonical();
  }

  /**
   * The type a value travels as: its declared type, or when that says nothing ({@code Object}, as
   * for DSL lambdas) the value's own type, with the element types of lists, sets and maps worked
   * out from their contents, so a {@code List<MyRecord>} arrives as one and not as a list of maps.
   */
  static JavaType travellingType(Type declared, @Nullable Object value) {
    TypeFactory types = MAPPER.getTypeFactory();
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

  /**
   * Encodes {@code value} as {@code {"type": ..., "value": ...}} and checks that it reads back as
   * its type, so what cannot travel is refused here rather than in the other process.
   *
   * @throws IllegalArgumentException saying why the value cannot travel
   */
  static ObjectNode encode(Type declared, @Nullable Object value) {
    JavaType type = travellingType(declared, value);
    ObjectNode node = NODES.objectNode();
    node.put("type", type.toCanonical());
    JsonNode json;
    try {
      json = MAPPER.valueToTree(value);
      if (value != null) {
        MAPPER.treeToValue(json, type);
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

  /** Decodes a value written by {@link #encode}, with the type named beside it. */
  static @Nullable Object decode(JsonNode node) throws IOException {
    JsonNode value = node.get("value");
    if (value == null || value.isNull()) {
      return null;
    }
    JavaType type = MAPPER.getTypeFactory().constructFromCanonical(node.get("type").asText());
    return MAPPER.treeToValue(value, type);
  }

  /**
   * Encodes an argument: a value, or for an outcome argument the {@link Outcome} with {@code
   * "outcome"} set to {@code success}, {@code failure} or {@code skipped}.
   */
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
        node.set("error", encodeError(failure.error()));
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

  /** Decodes an argument written by {@link #encodeArgument}. */
  static @Nullable Object decodeArgument(JsonNode node) throws IOException {
    return switch (node.path("outcome").asText("")) {
      case "" -> decode(node);
      case "success" -> Outcome.success(decode(node));
      case "skipped" -> Outcome.skipped(node.path("reason").asText());
      case "failure" -> {
        Throwable error = decodeError(node.get("error"));
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

  // ---- errors

  /** An exception as {@code {"type", "message", "stack": [...], "cause": {...}}}. */
  static ObjectNode encodeError(Throwable error) {
    ObjectNode node = NODES.objectNode();
    node.put("type", error.getClass().getName());
    String message = error.getMessage();
    if (message != null) {
      node.put("message", message);
    }
    ArrayNode stack = node.putArray("stack");
    for (StackTraceElement frame : error.getStackTrace()) {
      ObjectNode f = stack.addObject();
      f.put("class", frame.getClassName());
      f.put("method", frame.getMethodName());
      if (frame.getFileName() != null) {
        f.put("file", frame.getFileName());
      }
      f.put("line", frame.getLineNumber());
    }
    Throwable cause = error.getCause();
    if (cause != null && cause != error) {
      node.set("cause", encodeError(cause));
    }
    return node;
  }

  /**
   * Rebuilds an exception of the type named, with the remote message and stack trace, so a retry
   * policy matches it like a local one; a {@link RemoteTaskException} naming the type when that
   * type is unknown here or has no constructor taking a message.
   */
  static Throwable decodeError(JsonNode node) {
    String type = node.path("type").asText("java.lang.RuntimeException");
    String message = node.hasNonNull("message") ? node.get("message").asText() : null;
    Throwable cause = node.hasNonNull("cause") ? decodeError(node.get("cause")) : null;
    Throwable error = instantiate(type, message, cause);
    if (error == null) {
      error = new RemoteTaskException(type, message == null ? "" : message);
      if (cause != null) {
        error.initCause(cause);
      }
    }
    List<StackTraceElement> stack = new ArrayList<>();
    for (JsonNode f : node.path("stack")) {
      stack.add(
          new StackTraceElement(
              f.path("class").asText(),
              f.path("method").asText(),
              f.hasNonNull("file") ? f.get("file").asText() : null,
              f.path("line").asInt(-1)));
    }
    error.setStackTrace(stack.toArray(new StackTraceElement[0]));
    return error;
  }

  private static @Nullable Throwable instantiate(
      String type, @Nullable String message, @Nullable Throwable cause) {
    try {
      Class<?> c = Class.forName(type, false, Wire.class.getClassLoader());
      if (!Throwable.class.isAssignableFrom(c)) {
        return null;
      }
      try {
        Constructor<?> withCause = c.getConstructor(String.class, Throwable.class);
        return (Throwable) withCause.newInstance(message, cause);
      } catch (NoSuchMethodException e) {
        Constructor<?> plain = c.getConstructor(String.class);
        Throwable error = (Throwable) plain.newInstance(message);
        if (cause != null && error.getCause() == null) {
          error.initCause(cause);
        }
        return error;
      }
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return null;
    }
  }

  static String firstLine(@Nullable String text) {
    if (text == null) {
      return "no detail";
    }
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
