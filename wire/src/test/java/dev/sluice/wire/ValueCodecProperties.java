package dev.sluice.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Outcome;
import dev.sluice.api.State;
import dev.sluice.api.TypeRef;
import dev.sluice.api.executor.RemoteTaskException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Values, outcomes and errors survive the trip to another process with their types. */
class ValueCodecProperties {

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

  @Property(tries = 50)
  void outcomesArriveWithTheirKindStateAndError(@ForAll String message) throws IOException {
    Outcome<Integer> success = Outcome.success(7);
    Outcome<Integer> failure =
        Outcome.failure(new State.Cancelled(message), new IOException(message));
    Outcome<Integer> skipped = Outcome.skipped(message);

    assertThat(ValueCodec.decodeArgument(ValueCodec.encodeArgument(Integer.class, true, success)))
        .isEqualTo(success);
    assertThat(ValueCodec.decodeArgument(ValueCodec.encodeArgument(Integer.class, true, skipped)))
        .isEqualTo(skipped);
    Object decoded =
        ValueCodec.decodeArgument(ValueCodec.encodeArgument(Integer.class, true, failure));
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

    Throwable decoded = ValueCodec.decodeError(ValueCodec.encodeError(error));

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
    ObjectNode node = ValueCodec.encodeError(new IllegalStateException(message));
    node.put("type", "com.example.NotOnThisClasspathException");

    Throwable decoded = ValueCodec.decodeError(node);

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
    assertThatThrownBy(() -> ValueCodec.encode(Object.class, new Thread(name)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be written as JSON and read back");
  }

  @Property(tries = 50)
  void everyFinalStateOfAFailedUpstreamArrivesWithItsData(@ForAll String text) throws IOException {
    IOException error = new IOException(text);
    for (State state :
        List.of(
            new State.Failed(error),
            new State.Crashed(error),
            new State.TimedOut(Duration.ofMillis(1500)),
            new State.Cancelled(text),
            new State.NotReady(text))) {
      Object decoded =
          ValueCodec.decodeArgument(
              ValueCodec.encodeArgument(Integer.class, true, Outcome.failure(state, error)));
      assertThat(decoded)
          .isInstanceOfSatisfying(
              Outcome.Failure.class,
              f -> {
                assertThat(f.state().name()).isEqualTo(state.name());
                switch (state) {
                  case State.TimedOut t -> assertThat(f.state()).isEqualTo(t);
                  case State.Cancelled c -> assertThat(f.state()).isEqualTo(c);
                  case State.NotReady n -> assertThat(f.state()).isEqualTo(n);
                  default -> {}
                }
              });
    }
  }

  @Example
  void valuesKeepTheShapesProtocolOneSends() throws IOException {
    // Instants as ISO-8601 text, durations as seconds (90.000000000, which the JSON tree
    // normalizes to 9E+1): what protocol 1 has always sent, and what a value declared as Object
    // inside a container arrives as.
    ObjectNode node =
        ValueCodec.encode(
            Object.class,
            List.of(Instant.parse("2024-01-01T00:00:00Z"), Duration.ofSeconds(90), Optional.of(5)));
    assertThat(new String(ValueCodec.toBytes(node), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"type\":\"java.util.List<java.lang.Object>\","
                + "\"value\":[\"2024-01-01T00:00:00Z\",9E+1,5]}");
    assertThat(ValueCodec.encode(Instant.class, Instant.EPOCH).get("value").asText())
        .isEqualTo("1970-01-01T00:00:00Z");
    assertThat(ValueCodec.decode(ValueCodec.fromBytes(ValueCodec.toBytes(node))))
        .isEqualTo(List.of("2024-01-01T00:00:00Z", 90.0, 5));
  }

  @Example
  void aTypeNameNamesTheSameTypeOnTheOtherSide() {
    java.lang.reflect.Type type = new TypeRef<Map<String, List<Reading>>>() {}.type();
    String name = ValueCodec.typeName(type);

    assertThat(name)
        .isEqualTo(
            "java.util.Map<java.lang.String,java.util.List<" + Reading.class.getName() + ">>");
    assertThat(ValueCodec.typeName(ValueCodec.type(name))).isEqualTo(name);
    assertThatThrownBy(() -> ValueCodec.type("com.example.NotOnThisClasspath"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Object roundTrip(java.lang.reflect.Type declared, Object value)
      throws IOException {
    return ValueCodec.decode(ValueCodec.encode(declared, value));
  }
}
