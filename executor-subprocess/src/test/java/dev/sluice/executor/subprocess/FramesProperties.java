package dev.sluice.executor.subprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.wire.ValueCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Frames survive their framing; a stream that is not frames is refused. */
class FramesProperties {

  /** A value a task might pass on. */
  public record Reading(String sensor, double value, List<Integer> flags, Instant at) {}

  @Provide
  Arbitrary<List<Reading>> readingLists() {
    return Combinators.combine(
            Arbitraries.strings().ofMaxLength(20),
            Arbitraries.doubles().between(-1e9, 1e9),
            Arbitraries.integers().list().ofMaxSize(5),
            Arbitraries.longs().between(0, 4_000_000_000L).map(Instant::ofEpochSecond))
        .as(Reading::new)
        .list()
        .ofMaxSize(6);
  }

  @Property(tries = 100)
  void framesArriveWhole(@ForAll("readingLists") List<Reading> readings) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    ObjectNode first = ValueCodec.encode(Object.class, readings);
    ObjectNode second = ValueCodec.encode(Object.class, "after");
    Frames.write(out, first);
    Frames.write(out, second);

    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    assertThat(ValueCodec.decode(Frames.read(in))).isEqualTo(readings);
    assertThat(ValueCodec.decode(Frames.read(in))).isEqualTo("after");
    assertThatThrownBy(() -> Frames.read(in)).isInstanceOf(EOFException.class);
  }

  @Example
  void aFrameIsItsLengthThenItsJson() throws IOException {
    ObjectNode hello = Frames.NODES.objectNode();
    hello.put("op", "hello");
    hello.put("protocol", Frames.VERSION);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Frames.write(new DataOutputStream(bytes), hello);

    byte[] json = "{\"op\":\"hello\",\"protocol\":1}".getBytes(StandardCharsets.UTF_8);
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    assertThat(in.readInt()).isEqualTo(json.length);
    assertThat(in.readAllBytes()).isEqualTo(json);
  }

  @Example
  void aCorruptLengthOrANonObjectIsRefused() throws IOException {
    assertThatThrownBy(() -> Frames.read(stream(-1, new byte[0])))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("corrupt frame: length -1");
    assertThatThrownBy(() -> Frames.read(stream(Frames.MAX_FRAME + 1, new byte[0])))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("corrupt frame: length");
    byte[] array = "[1,2]".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Frames.read(stream(array.length, array)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a JSON object");
  }

  private static DataInputStream stream(int length, byte[] body) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(length);
    out.write(body);
    return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
  }
}
