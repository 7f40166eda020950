package dev.sluice.executor.contract;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Small files that threads of this JVM and other processes read and update in turn: the storage of
 * a {@link Probe}. Each access holds a lock in this JVM, then a file lock between processes.
 */
final class LockedFiles {
  // FileChannel.lock() throws instead of blocking when another thread of this JVM holds the lock,
  // so threads of one JVM take this lock first.
  private static final Map<Path, Object> JVM_LOCKS = new ConcurrentHashMap<>();

  private LockedFiles() {}

  /** Drops the locks of the files under {@code dir}, which is being deleted. */
  static void forget(Path dir) {
    JVM_LOCKS.keySet().removeIf(lock -> lock.startsWith(dir));
  }

  /** A change of a value: the new value, or null to leave it as it is. */
  interface Change {
    @Nullable String apply(String value) throws IOException;
  }

  /** Appends {@code line} and a line break to the log {@code file}. */
  static void append(Path file, String line) throws IOException {
    LockedFiles.<@Nullable Void>locked(
        file,
        (channel, content) -> {
          write(channel, content.length, (line + "\n").getBytes(StandardCharsets.UTF_8));
          return null;
        });
  }

  /** The lines of the log {@code file}. */
  static List<String> lines(Path file) throws IOException {
    String log = locked(file, (channel, content) -> new String(content, StandardCharsets.UTF_8));
    return log.isEmpty() ? List.of() : List.of(log.split("\n"));
  }

  /**
   * Applies {@code change} to the value in {@code file} (empty when new) and returns the value it
   * leaves. Truncating a file costs far more than writing it, so a value is written over the old
   * one, padded with spaces to its length, and read without them.
   */
  static String update(Path file, Change change) throws IOException {
    return locked(
        file,
        (channel, content) -> {
          String value = new String(content, StandardCharsets.UTF_8).strip();
          String next = change.apply(value);
          if (next == null || next.equals(value)) {
            return value;
          }
          byte[] bytes = next.getBytes(StandardCharsets.UTF_8);
          byte[] padded = new byte[Math.max(bytes.length, content.length)];
          Arrays.fill(padded, (byte) ' ');
          System.arraycopy(bytes, 0, padded, 0, bytes.length);
          write(channel, 0, padded);
          return next;
        });
  }

  private interface Locked<T extends @Nullable Object> {
    T apply(FileChannel channel, byte[] content) throws IOException;
  }

  /**
   * Runs {@code action} with {@code file} open and its content read, under a lock: this JVM's
   * threads first, then the file lock between processes.
   */
  private static <T extends @Nullable Object> T locked(Path file, Locked<T> action)
      throws IOException {
    synchronized (JVM_LOCKS.computeIfAbsent(file, key -> new Object())) {
      try (FileChannel channel =
              FileChannel.open(
                  file,
                  StandardOpenOption.READ,
                  StandardOpenOption.WRITE,
                  StandardOpenOption.CREATE);
          FileLock held = channel.lock()) {
        ByteBuffer read = ByteBuffer.allocate((int) channel.size());
        while (read.hasRemaining() && channel.read(read, read.position()) >= 0) {
          // until the whole file is read
        }
        return action.apply(channel, read.array());
      }
    }
  }

  private static void write(FileChannel channel, long position, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer, position + buffer.position());
    }
  }
}
