package dev.sluice.wire.journal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.IngestBatch;
import dev.sluice.wire.ApiJson;
import dev.sluice.wire.RecordBatches;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An append-only file of record batches waiting for the server: one line per batch, each line the
 * very body {@code POST /api/v1/records} sends ({@link RecordBatches}, without {@code active}), so
 * a batch keeps its source and sequence on disk and is sent again as the same batch — which the
 * server stores once, however often it arrives. Lines are read back in the order they were written.
 *
 * <p>A line is taken ({@link #take}) when its batch is about to be sent; the file remembers where
 * the untaken lines start. A torn last line (the process died while writing it) was never sent and
 * is ignored. Not thread-safe: one thread (a sender, a store's writer) is its only user.
 */
public final class Journal implements AutoCloseable {
  /** A batch read back, with where its line starts. */
  public record Entry(Batch batch, long offset) {}

  /** A line that is not a record batch; it is skipped. */
  public static final class CorruptEntry extends IOException {
    private static final long serialVersionUID = 1L;

    private final int elements;

    CorruptEntry(String message, @Nullable Throwable cause, int elements) {
      super(message, cause);
      this.elements = elements;
    }

    /** How many elements the skipped line's batch settled; 0 when unknown. */
    public int elements() {
      return elements;
    }
  }

  /** An untaken line: its length with the newline, and how many elements its batch settles. */
  private record Line(long length, int elements) {}

  private final Path file;
  private FileChannel channel;
  private final ArrayDeque<Line> untaken = new ArrayDeque<>();
  private long end;
  private long read;
  private final long tornBytes;

  private Journal(Path file, FileChannel channel, long end, long tornBytes) {
    this.file = file;
    this.channel = channel;
    this.end = end;
    this.tornBytes = tornBytes;
  }

  /** A new, empty journal at {@code file}, which must not exist. */
  public static Journal create(Path file) throws IOException {
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new Journal(file, channel, 0, 0);
  }

  /** The journal another store left at {@code file}, every line untaken. */
  public static Journal open(Path file) throws IOException {
    List<Line> lines = new ArrayList<>();
    long length = 0;
    long position = 0;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      int b;
      while ((b = in.read()) >= 0) {
        length++;
        position++;
        if (b == '\n') {
          lines.add(new Line(length, -1));
          length = 0;
        }
      }
    }
    long end = position - length;
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    Journal journal = new Journal(file, channel, end, length);
    journal.untaken.addAll(lines);
    return journal;
  }

  public Path file() {
    return file;
  }

  /** Bytes after the last whole line, ignored: a line its process died writing. */
  public long tornBytes() {
    return tornBytes;
  }

  /**
   * Appends {@code batches} in order, one line each, and forces them to disk before returning. On
   * failure the journal is as it was (what was written of the failed append is cut off again).
   */
  public void append(List<Batch> batches) throws IOException {
    long start = end;
    List<Line> added = new ArrayList<>(batches.size());
    try {
      long position = end;
      for (Batch batch : batches) {
        byte[] line = encode(batch);
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
          position += channel.write(buffer, position);
        }
        added.add(new Line(line.length, batch.elements()));
      }
      channel.force(false);
      end = position;
      untaken.addAll(added);
    } catch (IOException | RuntimeException e) {
      try {
        channel.truncate(start);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Whether a line is not taken yet. */
  public boolean hasUntaken() {
    return !untaken.isEmpty();
  }

  /** How many lines are not taken yet. */
  public int untakenBatches() {
    return untaken.size();
  }

  /** How many elements the untaken lines settle; lines of another store's journal count 0. */
  public long untakenElements() {
    return untaken.stream().mapToLong(l -> Math.max(0, l.elements())).sum();
  }

  /** Where the first untaken line starts (the end when all are taken). */
  public long firstUntakenOffset() {
    return read;
  }

  /**
   * Takes the first untaken line and reads its batch.
   *
   * @throws CorruptEntry when the line is not a record batch; it is taken all the same
   */
  public Entry take() throws IOException {
    Line line = untaken.removeFirst();
    long offset = read;
    read += line.length();
    ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(line.length()));
    long position = offset;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, position);
      if (n < 0) {
        throw new CorruptEntry(
            "the journal " + file + " ends inside the line at byte " + offset,
            null,
            Math.max(0, line.elements()));
      }
      position += n;
    }
    IngestBatch batch;
    try {
      RecordBatches.Decoded decoded =
          RecordBatches.read(new ByteArrayInputStream(buffer.array(), 0, buffer.limit() - 1));
      if (decoded.batch() == null) {
        throw new IOException("a line without records");
      }
      batch = decoded.batch();
    } catch (IOException | RuntimeException e) {
      throw new CorruptEntry(
          "the line at byte " + offset + " of the journal " + file + " is not a record batch: " + e,
          e,
          Math.max(0, line.elements()));
    }
    int elements = line.elements() >= 0 ? line.elements() : batch.records().size();
    return new Entry(
        new Batch(batch.source(), batch.sequence(), batch.records(), elements), offset);
  }

  /** Takes the first untaken line without reading it (its batch is in hand); returns its offset. */
  public long skip() {
    Line line = untaken.removeFirst();
    long offset = read;
    read += line.length();
    return offset;
  }

  /** Empties the file: every line was taken and its batch settled. */
  public void clear() throws IOException {
    channel.truncate(0);
    channel.force(false);
    untaken.clear();
    end = 0;
    read = 0;
  }

  /** Whether the file holds no line. */
  public boolean isEmpty() {
    return end == 0;
  }

  /**
   * Drops the lines before {@code offset} (settled batches), rewriting the file from there through
   * a temporary file and an atomic rename.
   */
  public void compactFrom(long offset) throws IOException {
    if (offset <= 0) {
      return;
    }
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel out =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      long position = offset;
      while (position < end) {
        position += channel.transferTo(position, end - position, out);
      }
      out.force(false);
    }
    channel.close();
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    end -= offset;
    read = Math.max(0, read - offset);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  /** Closes and deletes the file. */
  public void delete() throws IOException {
    channel.close();
    Files.deleteIfExists(file);
  }

  /** A batch's line: the body of POST /records, one line, with its newline. */
  public static byte[] encode(Batch batch) throws IOException {
    byte[] line = body(batch.source(), batch.sequence(), batch.records());
    if (indexOfNewline(line) >= 0) {
      // Only a raw value can hold a newline (Jackson escapes them in strings): parameters written
      // as indented JSON. Written compactly they mean the same, and the server keeps them so.
      line = body(batch.source(), batch.sequence(), compactParameters(batch.records()));
      if (indexOfNewline(line) >= 0) {
        throw new IllegalStateException("a record batch encodes to more than one line");
      }
    }
    byte[] withNewline = new byte[line.length + 1];
    System.arraycopy(line, 0, withNewline, 0, line.length);
    withNewline[line.length] = '\n';
    return withNewline;
  }

  private static byte[] body(String source, long sequence, List<Object> records)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + records.size() * 256);
    RecordBatches.write(out, source, sequence, records, List.of());
    return out.toByteArray();
  }

  private static int indexOfNewline(byte[] bytes) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n' || bytes[i] == '\r') {
        return i;
      }
    }
    return -1;
  }

  private static List<Object> compactParameters(List<Object> records) throws IOException {
    List<Object> compact = new ArrayList<>(records.size());
    for (Object record : records) {
      compact.add(record instanceof FlowRunStart s ? withCompactParameters(s) : record);
    }
    return compact;
  }

  private static FlowRunStart withCompactParameters(FlowRunStart s) throws IOException {
    @Nullable JsonNode tree = ApiJson.reader().readTree(s.parametersJson());
    String parameters = tree == null ? "{}" : tree.toString();
    return new FlowRunStart(
        s.flowRunId(),
        s.flow(),
        parameters,
        s.parentTaskRunId(),
        s.parentFlowRunId(),
        s.at(),
        s.owner(),
        s.runName(),
        s.tags(),
        s.idempotencyKey());
  }
}
