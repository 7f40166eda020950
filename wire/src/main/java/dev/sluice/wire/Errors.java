package dev.sluice.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.executor.RemoteTaskException;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@link ValueCodec}'s errors: exceptions with their type, message, stack trace and causes. */
final class Errors {
  private Errors() {}

  /** An exception as {@code {"type", "message", "stack": [...], "cause": {...}}}. */
  static ObjectNode encode(Throwable error) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
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
      node.set("cause", encode(cause));
    }
    return node;
  }

  /**
   * Rebuilds an exception of the type named, with the remote message and stack trace; a {@link
   * RemoteTaskException} naming the type when that type is unknown here or has no constructor
   * taking a message.
   */
  static Throwable decode(JsonNode node) {
    String type = node.path("type").asText("java.lang.RuntimeException");
    String message = node.hasNonNull("message") ? node.get("message").asText() : null;
    Throwable cause = node.hasNonNull("cause") ? decode(node.get("cause")) : null;
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
      Class<?> c = Class.forName(type, false, Errors.class.getClassLoader());
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
}
