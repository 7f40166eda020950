package dev.sluice.executor.subprocess;

import dev.sluice.Flows;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.slf4j.LoggerFactory;

/**
 * The flows the subprocess tests run, registered for {@link java.util.ServiceLoader} in the test
 * resources so workers can rebuild them. Tasks talk to the test through files in the directory
 * given as the {@code dir} parameter: shared memory does not cross a process boundary.
 */
public final class TestFlows implements FlowProvider {

  /** Each task returns where it ran: the worker's pid and its {@code sluice.worker} property. */
  static final Flow<String> WHERE =
      Flows.named("sub-where")
          .returning(
              f -> {
                var pid = f.task("pid", () -> ProcessHandle.current().pid());
                return f.task("describe", pid, p -> p + " " + System.getProperty("sluice.worker"));
              });

  /** A chain, a map step, a sub-flow and an outcome edge, with typed values on every edge. */
  static final Flow<Integer> CHILD =
      Flows.named("sub-child")
          .returning(
              f -> {
                var n = f.param("n", Integer.class);
                return f.task("double", n, x -> x * 2);
              });

  static final Flow<String> SHAPES =
      Flows.named("sub-shapes")
          .returning(
              f -> {
                var word = f.param("word", String.class).withDefault("ab");
                var points =
                    f.task(
                        "points",
                        () -> IntStream.range(0, 4).mapToObj(i -> new Point(i, i * i)).toList());
                var ys = f.map("y", points, p -> p.y());
                var total = f.task("total", ys, values -> values.stream().mapToInt(v -> v).sum());
                var child = f.subflow("child", CHILD).with("n", total);
                var broken =
                    f.<String>task(
                        "broken",
                        () -> {
                          throw new IOException("source down");
                        });
                var fallback =
                    f.task(
                        "fallback",
                        broken.outcome(),
                        o ->
                            o.isSuccess()
                                ? "fresh"
                                : "fallback after " + o.failure().orElseThrow());
                return f.task(
                    "report", word, child, fallback, (w, c, fb) -> w + " " + c + " " + fb);
              });

  /** One point; records travel as JSON and come back as records. */
  public record Point(int x, int y) {}

  /** Exits its worker with code 3 the first time (a marker file says it did), then succeeds. */
  static final Flow<String> EXIT_ONCE =
      Flows.named("sub-exit-once")
          .returning(
              f -> {
                var dir = f.param("dir", String.class);
                f.task("bystander", () -> "still here");
                return f.task(
                        "exit-once",
                        dir,
                        d -> {
                          if (firstTime(d, "exited")) {
                            System.exit(3);
                          }
                          return "survived on " + ProcessHandle.current().pid();
                        })
                    .retries(1);
              });

  /** Exits its worker every time, with no retries. */
  static final Flow<Void> EXIT_ALWAYS =
      Flows.named("sub-exit-always")
          .define(
              f ->
                  f.action(
                      "exit",
                      () -> {
                        System.exit(7);
                      }));

  /** Writes its pid to {@code dir/pid} and sleeps the first time; returns at once the second. */
  static final Flow<String> SLEEP_ONCE =
      Flows.named("sub-sleep-once")
          .returning(
              f -> {
                var dir = f.param("dir", String.class);
                return f.task(
                        "sleeper",
                        dir,
                        d -> {
                          if (firstTime(d, "slept")) {
                            writePid(d, "pid");
                            Thread.sleep(60_000);
                          }
                          return "woke";
                        })
                    .retries(1);
              });

  /** Runs out of heap the first time (in a worker with a small -Xmx), then succeeds. */
  static final Flow<String> OOM_ONCE =
      Flows.named("sub-oom-once")
          .returning(
              f -> {
                var dir = f.param("dir", String.class);
                return f.task(
                        "hog",
                        dir,
                        d -> {
                          if (firstTime(d, "hogged")) {
                            List<long[]> hoard = new ArrayList<>();
                            while (true) {
                              hoard.add(new long[1 << 20]);
                            }
                          }
                          return "fits";
                        })
                    .retries(1);
              });

  /** Two tasks that write their pids and sleep: a timeout, or a cancellation, ends them. */
  static final Flow<Void> SLEEPERS =
      Flows.named("sub-sleepers")
          .define(
              f -> {
                var dir = f.param("dir", String.class);
                for (String name : List.of("left", "right")) {
                  f.action(
                      name,
                      dir,
                      d -> {
                        writePid(d, name);
                        Thread.sleep(60_000);
                      });
                }
              });

  static final Flow<Void> TIMED =
      Flows.named("sub-timed")
          .define(
              f -> {
                var dir = f.param("dir", String.class);
                f.action(
                        "slow",
                        dir,
                        d -> {
                          writePid(d, "slow");
                          Thread.sleep(60_000);
                        })
                    .timeout(Duration.ofSeconds(1));
              });

  /** Fails with IOException twice (marker files count the attempts), then succeeds. */
  static final Flow<String> FLAKY =
      Flows.named("sub-flaky")
          .returning(
              f -> {
                var dir = f.param("dir", String.class);
                return f.task(
                        "flaky",
                        dir,
                        d -> {
                          if (firstTime(d, "one") || firstTime(d, "two")) {
                            throw new IOException("flaky remote failure");
                          }
                          return "third time lucky";
                        })
                    .retryPolicy(
                        dev.sluice.api.RetryPolicy.none()
                            .withRetries(2)
                            .retryOn(IOException.class));
              });

  /** Throws an exception whose type the retry policy aborts on. */
  static final Flow<Void> ABORTS =
      Flows.named("sub-aborts")
          .define(
              f ->
                  f.action(
                          "strict",
                          () -> {
                            throw new IllegalStateException("bad data");
                          })
                      .retryPolicy(
                          dev.sluice.api.RetryPolicy.none()
                              .withRetries(3)
                              .abortOn(IllegalStateException.class)));

  /** Prints to stdout and stderr and logs through SLF4J, in the worker. */
  static final Flow<Void> TALKS =
      Flows.named("sub-talks")
          .define(
              f ->
                  f.action(
                      "talk",
                      () -> {
                        System.out.println("hello from stdout {}");
                        System.err.println("hello from stderr");
                        LoggerFactory.getLogger("talker").info("hello from slf4j");
                      }));

  /** Takes a parameter of any type: a value JSON cannot carry is refused before dispatch. */
  static final Flow<String> TAKES_ANYTHING =
      Flows.named("sub-takes-anything")
          .returning(
              f -> {
                var thing = f.param("thing", Object.class);
                return f.task("use", thing, t -> "used " + t).retries(3);
              });

  /** Two tasks reporting their worker's max heap in MiB, in sequence. */
  static final Flow<String> HEAPS =
      Flows.named("sub-heaps")
          .returning(
              f -> {
                var small = f.task("small", TestFlows::maxHeapMib);
                var large = f.task("large", small, s -> maxHeapMib());
                return f.task("both", small, large, (s, l) -> s + " " + l);
              });

  static long maxHeapMib() {
    return Runtime.getRuntime().maxMemory() / (1024 * 1024);
  }

  /** Returns a value JSON cannot carry back. */
  static final Flow<Object> RETURNS_THREAD =
      Flows.named("sub-returns-thread").returning(f -> f.task("thread", Thread::currentThread));

  @Override
  public List<Flow<?>> flows() {
    return List.of(
        WHERE,
        SHAPES,
        EXIT_ONCE,
        EXIT_ALWAYS,
        SLEEP_ONCE,
        OOM_ONCE,
        SLEEPERS,
        TIMED,
        FLAKY,
        ABORTS,
        TALKS,
        TAKES_ANYTHING,
        RETURNS_THREAD,
        HEAPS);
  }

  /** True the first time it is called for {@code marker} in {@code dir} (in any process). */
  static boolean firstTime(String dir, String marker) throws IOException {
    try {
      Files.createFile(Path.of(dir, marker));
      return true;
    } catch (java.nio.file.FileAlreadyExistsException e) {
      return false;
    }
  }

  static void writePid(String dir, String name) throws IOException {
    Path tmp = Path.of(dir, name + ".tmp");
    Files.writeString(tmp, String.valueOf(ProcessHandle.current().pid()));
    Files.move(tmp, Path.of(dir, name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
