package dev.sluice.executor.subprocess;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the contract's tasks tell the test, across processes, through files in a directory: the
 * order tasks ran in, how many ran at once, a latch. Memory is not shared with a worker JVM; files
 * are, and file locks serialize the workers' updates.
 */
final class Probes {
  private Probes() {}

  /** Appends {@code name} to the {@code ran} log. */
  static void ran(String dir, String name) throws IOException {
    locked(
        dir,
        "ran.lock",
        () ->
            Files.writeString(
                Path.of(dir, "ran"),
                name + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND));
  }

  /** The names appended to the {@code ran} log, in order. */
  static List<String> ran(Path dir) throws IOException {
    Path file = dir.resolve("ran");
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }

  /** Counts one more attempt running; the peak is kept beside it. */
  static void enter(String dir, String gauge) throws IOException {
    update(dir, gauge, +1);
  }

  static void exit(String dir, String gauge) throws IOException {
    update(dir, gauge, -1);
  }

  /** The most attempts that ran at once under {@code gauge}. */
  static int peak(Path dir, String gauge) throws IOException {
    Path file = dir.resolve(gauge);
    return Files.exists(file) ? Integer.parseInt(Files.readString(file).split(" ")[1]) : 0;
  }

  private static void update(String dir, String gauge, int delta) throws IOException {
    locked(
        dir,
        gauge + ".lock",
        () -> {
          Path file = Path.of(dir, gauge);
          int now = 0;
          int peak = 0;
          if (Files.exists(file)) {
            String[] parts = Files.readString(file).split(" ");
            now = Integer.parseInt(parts[0]);
            peak = Integer.parseInt(parts[1]);
          }
          now += delta;
          Files.writeString(file, now + " " + Math.max(peak, now));
        });
  }

  /** Marks {@code name} started and waits (up to 10 s) until {@code count} tasks have. */
  static void startedAwaitAll(String dir, String name, int count)
      throws IOException, InterruptedException {
    Files.createFile(Path.of(dir, "started-" + name));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (started(Path.of(dir)) < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(count + " tasks did not run at once within 10 s");
      }
      Thread.sleep(5);
    }
  }

  private static long started(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("started-")).count();
    }
  }

  private interface Action {
    void run() throws IOException;
  }

  private static void locked(String dir, String lock, Action action) throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(Path.of(dir, lock).toFile(), "rw");
        FileChannel channel = file.getChannel();
        FileLock held = channel.lock()) {
      action.run();
    }
  }
}
