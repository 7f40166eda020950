package dev.sluice.executor.subprocess;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.wire.ValueCodec;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * The framing of the protocol shared by the parent and its workers (version {@link #VERSION},
 * written down in {@code docs/subprocess.md}): frames of a 4-byte big-endian length followed by
 * that many bytes of UTF-8 JSON, one object per frame, its kind in {@code "op"}. What frames carry
 * (values with their types, outcomes, errors) is encoded by {@link ValueCodec}; the frames are this
 * executor's own, the only transport that needs them.
 */
final class Frames {
  /** The protocol version; a worker that speaks another one is refused at its hello. */
  static final int VERSION = 1;

  /** The largest frame either side accepts, so a corrupt length cannot allocate gigabytes. */
  static final int MAX_FRAME = 256 * 1024 * 1024;

  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Frames() {}

  /** Writes one frame and flushes it. Callers serialize writes to one stream. */
  static void write(DataOutputStream out, ObjectNode frame) throws IOException {
    byte[] bytes = ValueCodec.toBytes(frame);
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
    JsonNode node = ValueCodec.fromBytes(bytes);
    if (!(node instanceof ObjectNode object)) {
      throw new IOException("corrupt frame: not a JSON object");
    }
    return object;
  }
}
