package dev.sluice.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.Flows;
import dev.sluice.Sluice;
import dev.sluice.api.CachePolicy;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.FlowValidationException;
import dev.sluice.api.State;
import dev.sluice.api.TaskRun;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Single flight, uncacheable inputs, map elements and policies, through real flow runs. */
class CachedRunsTest {
  @TempDir Path dir;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void listen() {
    logs.start();
    root.addAppender(logs);
  }

  @AfterEach
  void stop() {
    root.detachAppender(logs);
  }

  private List<String> warnings() {
    return logs.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  private static TaskRun task(FlowRun run, String name) {
    return run.taskRun(name).orElseThrow();
  }

  @Test
  void concurrentRunsOfOneKeyComputeOnceAndWaitersHoldNoThread() {
    AtomicInteger computed = new AtomicInteger();
    CountDownLatch released = new CountDownLatch(1);
    // Element "release" needs a thread while the leader waits for it. Whichever order the pool
    // takes elements in, some "k" waiters come before it: on a 2-thread pool, waiters that blocked
    // their thread would starve it, and the leader would give up.
    Flow<List<String>> flow =
        Flows.named("single-flight")
            .returning(
                f -> {
                  var items =
                      f.task("items", () -> List.of("k", "k", "k", "release", "k", "k", "k"));
                  return f.map(
                          "slow",
                          items,
                          item -> {
                            if (item.equals("release")) {
                              released.countDown();
                              return "R";
                            }
                            computed.incrementAndGet();
                            if (!released.await(20, TimeUnit.SECONDS)) {
                              throw new IllegalStateException("no thread ran 'release'");
                            }
                            return item.toUpperCase(java.util.Locale.ROOT);
                          })
                      .cache(CachePolicy.inputs());
                });
    FlowRun run;
    try (Sluice sluice =
        Sluice.builder()
            .executor("threadpool")
            .setting("executor.parallelism", "2")
            .memoryOnlyCache()
            .build()) {
      run = sluice.run(flow);
    }
    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo(List.of("K", "K", "K", "R", "K", "K", "K"));
    assertThat(computed).hasValue(1);
    List<TaskRun> elements = task(run, "slow").elements();
    assertThat(elements.stream().filter(e -> e.state() == State.COMPLETED)).hasSize(2);
    assertThat(elements.stream().filter(e -> e.state() instanceof State.Cached)).hasSize(5);
    assertThat(elements.stream().map(e -> e.cacheKey().orElseThrow()).distinct()).hasSize(2);
  }

  @Test
  void aLeaderThatFailsLetsAWaiterComputeInstead() {
    AtomicInteger attempts = new AtomicInteger();
    Flow<List<Integer>> flow =
        Flows.named("failing-leader")
            .returning(
                f -> {
                  var items = f.task("items", () -> List.of(7, 7, 7));
                  return f.map(
                          "flaky",
                          items,
                          n -> {
                            if (attempts.incrementAndGet() == 1) {
                              throw new IllegalStateException("first one fails");
                            }
                            return n * 2;
                          })
                      .cache(CachePolicy.inputs())
                      .allowFailure();
                });
    try (Sluice sluice =
        Sluice.builder()
            .executor("threadpool")
            .setting("executor.parallelism", "2")
            .memoryOnlyCache()
            .build()) {
      FlowRun run = sluice.run(flow);
      List<TaskRun> elements = task(run, "flaky").elements();
      assertThat(elements.stream().filter(e -> e.state() instanceof State.Failed)).hasSize(1);
      assertThat(elements.stream().filter(e -> e.state().isCompleted())).hasSize(2);
      assertThat(attempts).hasValue(2); // the failure, then one computation for the other two
    }
  }

  static final class Connection {
    private final Object socket = new Object();
  }

  private Flow<String> withConnection() {
    return Flows.named("uncacheable")
        .returning(
            f -> {
              var conn = f.task("connect", Connection::new);
              var day = f.param("day", String.class);
              return f.task("query", conn, day, (c, d) -> "rows of " + d).cache();
            });
  }

  @Test
  void anInputThatCannotBeEncodedRunsUncachedWithOneWarning() {
    try (Sluice sluice = Sluice.builder().executor("local").cacheDirectory(dir).build()) {
      FlowRun first = sluice.run(withConnection(), Map.of("day", "mon"));
      FlowRun second = sluice.run(withConnection(), Map.of("day", "mon"));
      assertThat(first.state()).isEqualTo(State.COMPLETED);
      assertThat(task(second, "query").state()).isEqualTo(State.COMPLETED);
      assertThat(task(second, "query").cacheKey()).isEmpty();
      assertThat(second.result()).isEqualTo("rows of mon");
    }
    List<String> warnings = warnings().stream().filter(w -> w.contains("runs uncached")).toList();
    assertThat(warnings).hasSize(2); // one per task run
    assertThat(warnings.get(0))
        .contains("'query'")
        .contains("input 'connect'")
        .contains(Connection.class.getName())
        .contains("excluding");
  }

  @Test
  void strictModeFailsTheTaskWithTheSameMessage() {
    try (Sluice sluice =
        Sluice.builder().executor("local").cacheDirectory(dir).strictCaching().build()) {
      FlowRun run = sluice.run(withConnection(), Map.of("day", "mon"));
      assertThat(run.state().type()).isEqualTo(dev.sluice.api.StateType.FAILED);
      TaskRun query = task(run, "query");
      assertThat(query.state()).isInstanceOf(State.Failed.class);
      assertThat(query.attempts()).isZero();
      assertThat(query.error().orElseThrow().getMessage())
          .contains("input 'connect'")
          .contains(Connection.class.getName());
    }
  }

  @Test
  void excludingAnInputMakesItsValueIrrelevant() {
    AtomicInteger runs = new AtomicInteger();
    Flow<String> flow =
        Flows.named("excluding")
            .returning(
                f -> {
                  var token = f.param("token", String.class);
                  var day = f.param("day", String.class);
                  return f.task(
                          "fetch",
                          token,
                          day,
                          (t, d) -> {
                            runs.incrementAndGet();
                            return "data " + d;
                          })
                      .cache(CachePolicy.inputs().excluding("token"));
                });
    try (Sluice sluice = Sluice.builder().executor("local").cacheDirectory(dir).build()) {
      sluice.run(flow, Map.of("token", "t1", "day", "mon"));
      FlowRun second = sluice.run(flow, Map.of("token", "t2", "day", "mon"));
      assertThat(task(second, "fetch").state()).isInstanceOf(State.Cached.class);
      sluice.run(flow, Map.of("token", "t2", "day", "tue"));
    }
    assertThat(runs).hasValue(2);
  }

  @Test
  void excludingAnInputTheTaskDoesNotHaveIsAValidationError() {
    assertThatThrownBy(
            () ->
                Flows.named("bad")
                    .define(
                        f -> {
                          var day = f.param("day", String.class);
                          f.task("fetch", day, d -> d).cache(CachePolicy.inputs().excluding("dya"));
                        }))
        .isInstanceOf(FlowValidationException.class)
        .hasMessageContaining("step 'fetch'")
        .hasMessageContaining("'dya'")
        .hasMessageContaining("[day]");
  }

  @Test
  void runIdAndParameterPoliciesScopeTheCache() {
    AtomicInteger perRun = new AtomicInteger();
    AtomicInteger perParams = new AtomicInteger();
    Flow<Void> flow =
        Flows.named("scopes")
            .define(
                f -> {
                  f.param("region", String.class);
                  f.task("perRun", () -> perRun.incrementAndGet()).cache(CachePolicy.runId());
                  f.task("perParams", () -> perParams.incrementAndGet())
                      .cache(CachePolicy.parameters());
                });
    try (Sluice sluice = Sluice.builder().executor("local").cacheDirectory(dir).build()) {
      sluice.run(flow, Map.of("region", "eu"));
      sluice.run(flow, Map.of("region", "eu"));
      sluice.run(flow, Map.of("region", "us"));
    }
    assertThat(perRun).hasValue(3);
    assertThat(perParams).hasValue(2);
  }

  @Test
  void aCustomKeyAndAnExpiryFromTheDsl() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    Flow<String> flow =
        Flows.named("custom")
            .returning(
                f -> {
                  var path = f.param("path", String.class);
                  return f.task(
                          "load",
                          path,
                          p -> {
                            runs.incrementAndGet();
                            return "contents of " + p;
                          })
                      .cache(CachePolicy.key(inputs -> inputs.get("path").toString().length()))
                      .cacheFor(Duration.ofMillis(300));
                });
    MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));
    try (Sluice sluice =
        Sluice.builder().executor("local").cacheDirectory(dir).clock(clock).build()) {
      assertThat(sluice.run(flow, Map.of("path", "/a/b")).result()).isEqualTo("contents of /a/b");
      // same length, same custom key: reused
      assertThat(sluice.run(flow, Map.of("path", "/c/d")).result()).isEqualTo("contents of /a/b");
      assertThat(runs).hasValue(1);
      clock.advance(Duration.ofMillis(299));
      assertThat(sluice.run(flow, Map.of("path", "/c/d")).result()).isEqualTo("contents of /a/b");
      assertThat(runs).hasValue(1);
      clock.advance(Duration.ofMillis(1)); // 300 ms after it was stored: expired
      assertThat(sluice.run(flow, Map.of("path", "/c/d")).result()).isEqualTo("contents of /c/d");
      assertThat(runs).hasValue(2);
    }
    // Another process (a new Sluice on the same directory) reads the disk tier's expiry too.
    try (Sluice sluice =
        Sluice.builder().executor("local").cacheDirectory(dir).clock(clock).build()) {
      assertThat(sluice.run(flow, Map.of("path", "/e/f")).result()).isEqualTo("contents of /c/d");
      clock.advance(Duration.ofMillis(300));
      assertThat(sluice.run(flow, Map.of("path", "/e/f")).result()).isEqualTo("contents of /e/f");
      assertThat(runs).hasValue(3);
    }
  }

  @Test
  void aCachedTaskDownstreamOfAFailureNeverLooksUpItsKey() {
    Flow<Void> flow =
        Flows.named("blocked")
            .define(
                f -> {
                  var bad =
                      f.task(
                          "bad",
                          () -> {
                            if (true) {
                              throw new IllegalStateException("boom");
                            }
                            return 1;
                          });
                  f.task("cached", bad, n -> n + 1).cache();
                });
    try (Sluice sluice = Sluice.builder().executor("local").cacheDirectory(dir).build()) {
      FlowRun run = sluice.run(flow);
      assertThat(task(run, "cached").state()).isInstanceOf(State.NotReady.class);
      assertThat(task(run, "cached").cacheKey()).isEmpty();
    }
  }

  @Test
  void atDebugEachKeyIsLoggedWithItsPartsAndHashes() {
    Logger cacheLog = (Logger) LoggerFactory.getLogger("dev.sluice.Cache");
    Level before = cacheLog.getLevel();
    cacheLog.setLevel(Level.DEBUG);
    try (Sluice sluice = Sluice.builder().executor("local").cacheDirectory(dir).build()) {
      Flow<String> flow =
          Flows.named("explained")
              .returning(
                  f -> {
                    var day = f.param("day", String.class);
                    return f.task("fetch", day, d -> "data " + d)
                        .cache(CachePolicy.inputs(), CachePolicy.version("4"));
                  });
      FlowRun run = sluice.run(flow, Map.of("day", "mon"));
      String key = task(run, "fetch").cacheKey().orElseThrow();
      List<String> lines =
          logs.list.stream()
              .filter(e -> e.getLoggerName().equals("dev.sluice.Cache"))
              .map(ILoggingEvent::getFormattedMessage)
              .toList();
      assertThat(lines)
          .anySatisfy(
              line ->
                  assertThat(line)
                      .contains("'fetch' cache key " + key)
                      .containsPattern(
                          "task=[0-9a-f]{64}, version=[0-9a-f]{64}, input:day=[0-9a-f]{64}"));
      assertThat(lines).anySatisfy(line -> assertThat(line).contains("cache miss " + key));
    } finally {
      cacheLog.setLevel(before);
    }
  }

  @Test
  void cancellingARunWithParkedWaitersEndsThemCancelledAndFreesTheirSlots() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    Flow<List<String>> flow =
        Flows.named("cancel-waiters")
            .returning(
                f -> {
                  var items = f.task("items", () -> List.of("k", "k", "k", "k"));
                  return f.map(
                          "slow",
                          items,
                          item -> {
                            started.countDown();
                            Thread.sleep(60_000);
                            return item;
                          })
                      .cache(CachePolicy.inputs())
                      .tags("db");
                });
    try (Sluice sluice =
        Sluice.builder()
            .executor("threadpool")
            .setting("executor.parallelism", "2")
            .concurrencyLimit("db", 3)
            .memoryOnlyCache()
            .build()) {
      var handle = sluice.start(flow, Map.of());
      assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
      handle.cancel("test");
      FlowRun run = handle.future().get(20, TimeUnit.SECONDS);
      assertThat(run.state()).isInstanceOf(State.Cancelled.class);
      assertThat(task(run, "slow").elements())
          .allSatisfy(e -> assertThat(e.state()).isInstanceOf(State.Cancelled.class));
      // the interrupted leader gives its slot back when its code returns; waiters hold none
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (sluice.concurrencySlotsInUse().get("db") != 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(sluice.concurrencySlotsInUse()).containsEntry("db", 0);
    }
  }

  @Test
  void aMapRunAgainWithOneMoreElementComputesOnlyThatElement() {
    AtomicInteger computed = new AtomicInteger();
    Flow<List<Integer>> flow =
        Flows.named("grow")
            .returning(
                f -> {
                  var n = f.param("n", Integer.class);
                  var items =
                      f.task(
                          "items",
                          n,
                          k -> java.util.stream.IntStream.rangeClosed(1, k).boxed().toList());
                  return f.map(
                          "square",
                          items,
                          x -> {
                            computed.incrementAndGet();
                            return x * x;
                          })
                      .cache();
                });
    try (Sluice sluice = Sluice.builder().executor("local").cacheDirectory(dir).build()) {
      assertThat(sluice.run(flow, Map.of("n", 3)).result()).isEqualTo(List.of(1, 4, 9));
      FlowRun grown = sluice.run(flow, Map.of("n", 4));
      assertThat(grown.result()).isEqualTo(List.of(1, 4, 9, 16));
      assertThat(task(grown, "square").elements().stream().map(e -> e.state().name()))
          .containsExactly("Cached", "Cached", "Cached", "Completed");
    }
    assertThat(computed).hasValue(4);
  }

  /** A wall clock the test moves by hand, so expiry is tested without waiting. */
  private static final class MutableClock implements InstantSource {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
