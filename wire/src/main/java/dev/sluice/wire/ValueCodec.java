package dev.sluice.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Outcome;
import dev.sluice.api.executor.RemoteTaskException;
import java.io.IOException;
import java.lang.reflect.Type;
import org.jspecify.annotations.Nullable;

/**
 * Values, task arguments and errors as JSON that another process reads back as the same thing: what
 * an executor running tasks outside this JVM sends and receives (the subprocess executor's protocol
 * is written down in {@code docs/subprocess.md}). A value travels as {@code {"type": ..., "value":
 * ...}}, its type's canonical name beside its JSON: the declared type, or when that says nothing
 * ({@code Object}, as for DSL lambdas) the value's own, with the element types of lists, sets and
 * maps worked out from their contents. The JSON never names a class itself (no default typing); the
 * type sent beside it does, from a peer this process trusts.
 *
 * <p>Dates and times travel as ISO-8601 text, durations as numbers of seconds (as protocol version
 * 1 has always sent them); the configuration is {@link Json}'s base with that one change.
 */
public final class ValueCodec {
  private ValueCodec() {}

  /**
   * Encodes {@code value} as {@code {"type": ..., "value": ...}} and checks that it reads back as
   * its type, so what cannot travel is refused here rather than in the other process.
   *
   * @param declared the value's declared type; {@code Object} when unknown
   * @throws IllegalArgumentException saying why the value cannot travel
   */
  public static ObjectNode encode(Type declared, @Nullable Object value) {
    return Values.encode(declared, value);
  }

  /**
   * Decodes a value written by {@link #encode}, as the type named beside it.
   *
   * @throws IOException when it does not read as that type
   */
  public static @Nullable Object decode(JsonNode node) throws IOException {
    return Values.decode(node);
  }

  /**
   * Encodes a task argument: a value, or for an outcome argument the {@link Outcome} with {@code
   * "outcome"} set to {@code success} (and the value), {@code failure} (the upstream's final state
   * and its error) or {@code skipped} (the reason).
   *
   * @param declared the argument's declared type (for an outcome, its value's)
   * @param outcome whether the argument is an {@link Outcome}
   * @throws IllegalArgumentException saying why the value cannot travel
   */
  public static ObjectNode encodeArgument(Type declared, boolean outcome, @Nullable Object value) {
    return Values.encodeArgument(declared, outcome, value);
  }

  /**
   * Decodes an argument written by {@link #encodeArgument}.
   *
   * @throws IOException when its value does not read as its type, or its outcome is unknown
   */
  public static @Nullable Object decodeArgument(JsonNode node) throws IOException {
    return Values.decodeArgument(node);
  }

  /**
   * An exception as {@code {"type", "message", "stack": [...], "cause": {...}}}: its class name,
   * message, stack frames (class, method, file, line) and causes.
   */
  public static ObjectNode encodeError(Throwable error) {
    return Errors.encode(error);
  }

  /**
   * Rebuilds an exception written by {@link #encodeError}: of the type named, with the remote
   * message, stack trace and causes, so a retry policy matches it like a local one; a {@link
   * RemoteTaskException} naming the type when that type is not on this side's classpath or has no
   * constructor taking a message.
   */
  public static Throwable decodeError(JsonNode node) {
    return Errors.decode(node);
  }

  /** The canonical name of {@code type} (e.g. {@code java.util.List<java.lang.Integer>}). */
  public static String typeName(Type type) {
    return Values.typeName(type);
  }

  /**
   * The type a {@linkplain #typeName canonical name} names, resolved on this side.
   *
   * @throws IllegalArgumentException when it names no type known here
   */
  public static Type type(String canonicalName) {
    return Values.type(canonicalName);
  }

  /**
   * The bytes of a message (an object holding encoded values): compact UTF-8 JSON.
   *
   * @throws IOException when it cannot be written
   */
  public static byte[] toBytes(JsonNode message) throws IOException {
    return Mappers.PROTOCOL.writeValueAsBytes(message);
  }

  /**
   * The message in {@code bytes}, as written by {@link #toBytes}.
   *
   * @throws IOException when they are not JSON
   */
  public static JsonNode fromBytes(byte[] bytes) throws IOException {
    return Mappers.PROTOCOL.readTree(bytes);
  }
}
