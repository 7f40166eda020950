package dev.sluice.executor.subprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Outcome;
import dev.sluice.api.State;
import dev.sluice.api.TypeRef;
import dev.sluice.api.executor.RemoteTaskException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Values, outcomes and errors survive the wire with their types; frames survive their framing. */
class WireProperties {

  /** A value a task might pass on. */
  public record Reading(String sensor, double value, List<Integer> flags, Instant at) {}

  @Provide
  Arbitrary<Reading> readings() {
    return Combinators.combine(
            Arbitraries.strings().ofMaxLength(20),
            Arbitraries.doubles().between(-1e9, 1e9),
            Arbitraries.integers().list().ofMaxSize(5),
            Arbitraries.longs().between(0, 4_000_000_000L).map(Instant::ofEpochSecond))
        .as(Reading::new);
  }

  @Provide
  Arbitrary<List<Reading>> readingLists() {
    return readings().list().ofMaxSize(6);
  }

  @Property(tries = 200)
  void aListOfRecordsDeclaredAsObjectArrivesAsAListOfThoseRecords(
      @ForAll("readingLists") List<Reading> readings) throws IOException {
    Object decoded = roundTrip(Object.class, readings);

    assertThat(decoded).isEqualTo(readings);
  }

  @Property(tries = 200)
  void aMapOfStringsToListsArrivesEqual(
      @ForAll Map<String, List<@net.jqwik.api.constraints.IntRange(min = -5, max = 5) Integer>> map)
      throws IOException {
    assertThat(roundTrip(Object.class, map)).isEqualTo(map);
    assertThat(roundTrip(new TypeRef<Map<String, List<Integer>>>() {}.type(), map)).isEqualTo(map);
  }

  @Property(tries = 100)
  void scalarsArriveAsTheirOwnTypes(@ForAll String text, @ForAll long number, @ForAll boolean flag)
      throws IOException {
    assertThat(roundTrip(Object.class, text)).isEqualTo(text);
    assertThat(roundTrip(Object.class, number)).isEqualTo(number);
    assertThat(roundTrip(Object.class, flag)).isEqualTo(flag);
    assertThat(roundTrip(Object.class, Set.of(text))).isEqualTo(Set.of(text));
    assertThat(roundTrip(Duration.class, Duration.ofSeconds(number % 1_000_000)))
        .isEqualTo(Duration.ofSeconds(number % 1_000_000));
  }

  @Property(tries = 100)
  void framesArriveWhole(@ForAll("readingLists") List<Reading> readings) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    ObjectNode first = Wire.encode(Object.class, readings);
    ObjectNode second = Wire.encode(Object.class, "after");
    Wire.write(out, first);
    Wire.write(out, second);

    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    assertThat(Wire.decode(Wire.read(in))).isEqualTo(readings);
    assertThat(Wire.decode(Wire.read(in))).isEqualTo("after");
  }

  @Property(tries = 50)
  void outcomesArriveWithTheirKindStateAndError(@ForAll String message) throws IOException {
    Outcome<Integer> success = Outcome.success(7);
    Outcome<Integer> failure =
        Outcome.failure(new State.Cancelled(message), new IOException(message));
    Outcome<Integer> skipped = Outcome.skipped(message);

    assertThat(Wire.decodeArgument(Wire.encodeArgument(Integer.class, true, success)))
        .isEqualTo(success);
    assertThat(Wire.decodeArgument(Wire.encodeArgument(Integer.class, true, skipped)))
        .isEqualTo(skipped);
    Object decoded = Wire.decodeArgument(Wire.encodeArgument(Integer.class, true, failure));
    assertThat(decoded)
        .isInstanceOfSatisfying(
            Outcome.Failure.class,
            f -> {
              assertThat(f.state()).isEqualTo(new State.Cancelled(message));
              assertThat(f.error()).isExactlyInstanceOf(IOException.class).hasMessage(message);
            });
  }

  @Property(tries = 50)
  void errorsArriveAsTheirTypeWithMessageStackAndCause(@ForAll String message) {
    Exception error = new IllegalStateException(message, new FileNotFoundException("inner"));

    Throwable decoded = Wire.decodeError(Wire.encodeError(error));

    assertThat(decoded).isExactlyInstanceOf(IllegalStateException.class).hasMessage(message);
    // class, method, file and line travel (not the class loader and module names)
    assertThat(decoded.getStackTrace())
        .extracting(StackTraceElement::toString)
        .isEqualTo(
            java.util.Arrays.stream(error.getStackTrace())
                .map(
                    f ->
                        new StackTraceElement(
                                f.getClassName(),
                                f.getMethodName(),
                                f.getFileName(),
                                f.getLineNumber())
                            .toString())
                .toList());
    assertThat(decoded.getCause())
        .isExactlyInstanceOf(FileNotFoundException.class)
        .hasMessage("inner");
  }

  @Property(tries = 10)
  void anErrorOfATypeUnknownHereArrivesAsARemoteTaskExceptionNamingIt(@ForAll String message) {
    ObjectNode node = Wire.encodeError(new IllegalStateException(message));
    node.put("type", "com.example.NotOnThisClasspathException");

    Throwable decoded = Wire.decodeError(node);

    assertThat(decoded)
        .isInstanceOfSatisfying(
            RemoteTaskException.class,
            remote -> {
              assertThat(remote.remoteType()).isEqualTo("com.example.NotOnThisClasspathException");
              assertThat(remote.getMessage()).contains("com.example.NotOnThisClasspathException");
            });
  }

  @Property(tries = 10)
  void aValueThatCannotReadBackIsRefusedBeforeItTravels(@ForAll String name) {
    assertThatThrownBy(() -> Wire.encode(Object.class, new Thread(name)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be written as JSON and read back");
  }

  private static Object roundTrip(java.lang.reflect.Type declared, Object value)
      throws IOException {
    return Wire.decode(Wire.encode(declared, value));
  }
}
