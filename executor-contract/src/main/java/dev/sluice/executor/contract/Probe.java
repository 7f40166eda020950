package dev.sluice.executor.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * What the contract's tasks tell the test, through files in one directory per test, so that it
 * works wherever the task runs: on a thread of the test's JVM or in a worker process. Tasks get the
 * probe as the flow parameter {@code probe} (it travels as JSON: just the directory).
 *
 * <p>It records the order tasks ran in ({@link #ran(String)}), counts ({@link #count(String)}, also
 * used as latches with {@link #await(String, int, String)}), how many tasks run at once under a
 * gauge ({@link #enter(String)}, {@link #peak(String)}), flags ({@link #set(String)}) and which
 * process an attempt ran in, so the test can tell that an attempt's code was stopped ({@link
 * #awaitStopped(String, int)}). Updates are serialized by a lock in this JVM and a file lock across
 * processes.
 *
 * @param dir the directory the probe's files are in
 */
public record Probe(String dir) {
  /** How long a probe waits for a count or a stop before it gives up. */
  static final long WAIT_SECONDS = 10;

  // FileChannel.lock() throws instead of blocking when another thread of this JVM holds the lock,
  // so threads of one JVM take this lock first.
  private static final Map<Path, Object> JVM_LOCKS = new ConcurrentHashMap<>();

  /** A probe in a new temporary directory; {@link #delete()} it after the test. */
  public static Probe create() {
    try {
      return new Probe(Files.createTempDirectory("sluice-contract-").toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a probe directory", e);
    }
  }

  /** Deletes the probe's directory and what is in it. */
  public void delete() {
    JVM_LOCKS.keySet().removeIf(lock -> lock.startsWith(path()));
    try (Stream<Path> files = Files.walk(path())) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the probe directory " + dir, e);
    }
  }

  private Path path() {
    return Path.of(dir);
  }

  /** Appends {@code name} to the log of tasks that ran. */
  public void ran(String name) throws IOException {
    append("ran", name);
  }

  /** The names {@link #ran(String)} appended, in order. */
  public List<String> ran() throws IOException {
    return lines("ran");
  }

  /** Adds one to the counter {@code name} and returns its new value. */
  public int count(String name) throws IOException {
    return Integer.parseInt(update("count-" + name, now -> Integer.toString(number(now) + 1)));
  }

  /** The value of the counter {@code name}: how many times {@link #count(String)} was called. */
  public int counted(String name) throws IOException {
    return number(update("count-" + name, now -> null));
  }

  /**
   * Waits until the counter {@code name} reaches {@code n}, as a latch; throws when it does not
   * within {@value #WAIT_SECONDS} s, saying that {@code what} did not happen.
   */
  public void await(String name, int n, String what) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (counted(name) < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + " did not happen within " + WAIT_SECONDS + " s");
      }
      Thread.sleep(1);
    }
  }

  /** Sets the flag {@code name}. */
  public void set(String name) throws IOException {
    Files.writeString(path().resolve("flag-" + name), "");
  }

  /** Whether the flag {@code name} is set. */
  public boolean isSet(String name) {
    return Files.exists(path().resolve("flag-" + name));
  }

  /** Counts one more attempt running under {@code gauge}; the most that ever did is kept. */
  public void enter(String gauge) throws IOException {
    gauge(gauge, +1);
  }

  /** Counts one attempt fewer running under {@code gauge}. */
  public void exit(String gauge) throws IOException {
    gauge(gauge, -1);
  }

  /** The most attempts that ran under {@code gauge} at once. */
  public int peak(String gauge) throws IOException {
    String state = update("gauge-" + gauge, now -> null);
    return state.isEmpty() ? 0 : Integer.parseInt(state.split(" ")[1]);
  }

  private void gauge(String gauge, int delta) throws IOException {
    update(
        "gauge-" + gauge,
        state -> {
          String[] parts = state.isEmpty() ? new String[] {"0", "0"} : state.split(" ");
          int now = Integer.parseInt(parts[0]) + delta;
          return now + " " + Math.max(Integer.parseInt(parts[1]), now);
        });
  }

  /**
   * In a task: records that an attempt of {@code name} started in this process, then sleeps until
   * it is stopped. An interrupt is counted (see {@link #awaitStopped}) and rethrown; an executor
   * may also stop the attempt by ending the process.
   */
  public void sleepUntilStopped(String name) throws IOException, InterruptedException {
    append("pids-" + name, Long.toString(ProcessHandle.current().pid()));
    count("started-" + name);
    try {
      Thread.sleep(TimeUnit.SECONDS.toMillis(60));
    } catch (InterruptedException e) {
      count("interrupted-" + name);
      throw e;
    }
  }

  /** The ids of the processes the attempts of {@link #sleepUntilStopped(String) name} ran in. */
  public List<Long> startedIn(String name) throws IOException {
    List<Long> pids = new ArrayList<>();
    for (String line : lines("pids-" + name)) {
      pids.add(Long.parseLong(line));
    }
    return pids;
  }

  /**
   * Waits until {@code attempts} attempts of {@link #sleepUntilStopped(String) name} started and
   * the code of each was stopped: interrupted, when it ran in this JVM; its process ended, when it
   * ran in another. Fails (an {@link AssertionError}) when that does not happen within {@value
   * #WAIT_SECONDS} s.
   */
  public void awaitStopped(String name, int attempts) throws IOException, InterruptedException {
    long self = ProcessHandle.current().pid();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (true) {
      List<Long> pids = startedIn(name);
      long here = pids.stream().filter(pid -> pid == self).count();
      boolean othersEnded =
          pids.stream()
              .filter(pid -> pid != self)
              .allMatch(pid -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
      if (pids.size() >= attempts && counted("interrupted-" + name) >= here && othersEnded) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            attempts
                + " attempt(s) of '"
                + name
                + "' started and stopped within "
                + WAIT_SECONDS
                + " s: started in processes "
                + pids
                + ", interrupted "
                + counted("interrupted-" + name)
                + " time(s) in this one ("
                + self
                + ")");
      }
      Thread.sleep(1);
    }
  }

  /** A change of a value: the new value, or null to leave it as it is. */
  private interface Change {
    @Nullable String apply(String value) throws IOException;
  }

  private static int number(String value) {
    return value.isEmpty() ? 0 : Integer.parseInt(value);
  }

  /** Appends {@code line} and a line break to the log file {@code name}. */
  private void append(String name, String line) throws IOException {
    this.<@Nullable Void>locked(
        name,
        (channel, content) -> {
          write(channel, content.length, (line + "\n").getBytes(StandardCharsets.UTF_8));
          return null;
        });
  }

  /** The lines of the log file {@code name}. */
  private List<String> lines(String name) throws IOException {
    String log = locked(name, (channel, content) -> new String(content, StandardCharsets.UTF_8));
    return log.isEmpty() ? List.of() : List.of(log.split("\n"));
  }

  /**
   * Applies {@code change} to the value in the file {@code name} (empty when new) and returns the
   * value it leaves. Truncating a file costs far more than writing it, so a value is written over
   * the old one, padded with spaces to its length, and read without them.
   */
  private String update(String name, Change change) throws IOException {
    return locked(
        name,
        (channel, content) -> {
          String value = new String(content, StandardCharsets.UTF_8).strip();
          String next = change.apply(value);
          if (next == null || next.equals(value)) {
            return value;
          }
          byte[] bytes = next.getBytes(StandardCharsets.UTF_8);
          byte[] padded = new byte[Math.max(bytes.length, content.length)];
          java.util.Arrays.fill(padded, (byte) ' ');
          System.arraycopy(bytes, 0, padded, 0, bytes.length);
          write(channel, 0, padded);
          return next;
        });
  }

  private interface Locked<T extends @Nullable Object> {
    T apply(FileChannel channel, byte[] content) throws IOException;
  }

  /**
   * Runs {@code action} with the file {@code name} open and its content read, under a lock: this
   * JVM's threads first, then the file lock between processes.
   */
  private <T extends @Nullable Object> T locked(String name, Locked<T> action) throws IOException {
    Path file = path().resolve(name);
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
