package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.RunHandle;
import dev.sluice.api.State;
import dev.sluice.api.TaskRun;
import dev.sluice.api.TaskTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The entry point: executor choice, blocking and asynchronous runs, timeouts, cancellation. */
class SluiceTest {

  private static long threadsNamed(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(name) && t.isAlive())
        .count();
  }

  @Test
  void aBuildWhoseStoreCannotBeOpenedClosesTheExecutorItMade(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path notADatabase = dir.resolve("notes.db");
    java.nio.file.Files.writeString(
        notADatabase, "these are my notes, not a database\n".repeat(200));
    int created = CountingExecutorProvider.CREATED.get();
    int closed = CountingExecutorProvider.CLOSED.get();

    assertThatThrownBy(
            () ->
                Sluice.builder()
                    .executor("counting")
                    .setting("home", dir.toString())
                    .setting("store", notADatabase.toString())
                    .build())
        .hasMessageContaining(notADatabase.toString());

    assertThat(CountingExecutorProvider.CREATED.get())
        .as("the executor was made")
        .isEqualTo(created + 1);
    assertThat(CountingExecutorProvider.CLOSED.get())
        .as("and closed again when the build failed")
        .isEqualTo(closed + 1);
  }

  @Test
  void aBadSettingFailsTheBuildWithoutLeavingAThreadOrAnOpenStoreBehind(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    long writers = threadsNamed("sluice-store-writer");
    long timers = threadsNamed("sluice-timer");
    assertThatThrownBy(
            () ->
                Sluice.builder()
                    .executor("local")
                    .setting("store", dir.resolve("runs.db").toString())
                    .setting("cache.memory-weight", "lots")
                    .build())
        .hasMessageContaining("cache.memory-weight");
    assertThat(threadsNamed("sluice-store-writer")).isEqualTo(writers);
    assertThat(threadsNamed("sluice-timer")).isEqualTo(timers);
    assertThat(dir.resolve("runs.db")).doesNotExist();
  }

  @Test
  void anUnknownExecutorNameListsTheAvailableOnes() {
    assertThatThrownBy(() -> Sluice.builder().executor("quantum").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown executor 'quantum'")
        .hasMessageContaining("available: [counting, local]")
        .hasMessageContaining("dev.sluice:sluice-executor-threadpool")
        // One line, and no frames of the dependency injector that built the engine.
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"))
        .satisfies(e -> assertThat(e.getStackTrace()).isEmpty());
  }

  @Test
  void theExecutorCanBeChosenBySetting() {
    try (Sluice sluice = Sluice.builder().setting("executor", "LOCAL").build()) {
      assertThat(sluice.executor().name()).isEqualTo("local");
    }
    assertThatThrownBy(() -> Sluice.builder().setting("executor", "nope").build())
        .hasMessageContaining("unknown executor 'nope' (from code (setting executor))");
  }

  @Test
  void withoutAChoiceTheBestAvailableExecutorIsUsed() {
    try (Sluice sluice = Sluice.create()) {
      assertThat(sluice.executor().name()).isEqualTo("local");
    }
  }

  @Test
  void startReturnsAHandleWhoseFutureCompletesWithTheRun() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Flow<String> flow =
        Flows.named("async")
            .returning(
                f ->
                    f.task(
                        "wait",
                        () -> {
                          release.await();
                          return "done";
                        }));
    try (Sluice sluice = Sluice.builder().executor(new PoolExecutor(2)).build()) {
      RunHandle handle = sluice.start(flow, Map.of());

      assertThat(handle.flowName()).isEqualTo("async");
      assertThat(handle.future()).isNotDone();
      release.countDown();
      FlowRun run = handle.future().get(10, TimeUnit.SECONDS);
      assertThat(run.id()).isEqualTo(handle.id());
      assertThat(run.result()).isEqualTo("done");
      assertThat(handle.await()).isSameAs(run);
    }
  }

  @Test
  void cancellingStopsEverythingUnfinishedAndReturnsPromptly() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch failedOnce = new CountDownLatch(1);
    AtomicInteger laterRan = new AtomicInteger();
    Flow<Void> flow =
        Flows.named("cancel-me")
            .define(
                f -> {
                  var slow =
                      f.task(
                          "slow",
                          () -> {
                            started.countDown();
                            Thread.sleep(60_000);
                            return 1;
                          });
                  f.action("later", slow, x -> laterRan.incrementAndGet());
                  f.task(
                          "retrying",
                          () -> {
                            failedOnce.countDown();
                            throw new java.io.IOException("again");
                          })
                      .retries(5)
                      .retryDelay(Duration.ofMinutes(10));
                });
    try (Sluice sluice = Sluice.builder().executor(new PoolExecutor(4)).build()) {
      RunHandle handle = sluice.start(flow, Map.of());
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(failedOnce.await(10, TimeUnit.SECONDS)).isTrue(); // now waiting 10 min to retry

      assertThat(handle.cancel("no longer needed")).isTrue();
      FlowRun run = handle.future().get(5, TimeUnit.SECONDS);

      assertThat(run.state()).isEqualTo(new State.Cancelled("no longer needed"));
      assertThat(run.history()).extracting(h -> h.state().name()).contains("Cancelling");
      assertThat(run.taskRuns())
          .allSatisfy(t -> assertThat(t.state()).isInstanceOf(State.Cancelled.class));
      assertThat(laterRan).hasValue(0);
      assertThat(run.taskRun("retrying").orElseThrow().attempts()).isEqualTo(1);
      assertThat(handle.cancel("twice")).isFalse();
    }
  }

  @Test
  void anAttemptOverItsTimeoutIsInterruptedAndCountsAsAFailedAttempt() {
    AtomicInteger calls = new AtomicInteger();
    Flow<Integer> flow =
        Flows.named("timeouts")
            .returning(
                f ->
                    f.task(
                            "slow-then-fast",
                            () -> {
                              if (calls.incrementAndGet() == 1) {
                                Thread.sleep(60_000);
                              }
                              return calls.get();
                            })
                        .timeout(Duration.ofMillis(100))
                        .retries(1));
    try (Sluice sluice = Sluice.builder().executor("local").build()) {
      FlowRun run = sluice.run(flow);

      TaskRun task = run.taskRun("slow-then-fast").orElseThrow();
      assertThat(run.result()).isEqualTo(2);
      assertThat(task.attempts()).isEqualTo(2);
      assertThat(task.history())
          .extracting(h -> h.state().name())
          .containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Completed");
    }
  }

  @Test
  void aTimedOutTaskWithoutRetriesEndsTimedOut() {
    Flow<Integer> flow =
        Flows.named("too-slow")
            .returning(
                f ->
                    f.task(
                            "sleepy",
                            () -> {
                              Thread.sleep(60_000);
                              return 1;
                            })
                        .timeout(Duration.ofMillis(50)));
    try (Sluice sluice = Sluice.builder().executor(new PoolExecutor(1)).build()) {
      FlowRun run = sluice.run(flow);

      TaskRun task = run.taskRun("sleepy").orElseThrow();
      assertThat(task.state()).isEqualTo(new State.TimedOut(Duration.ofMillis(50)));
      assertThat(task.error().orElseThrow()).isInstanceOf(TaskTimeoutException.class);
      assertThat(run.state()).isInstanceOf(State.Failed.class);
    }
  }

  @Test
  void aTaskIgnoringItsInterruptDoesNotHoldUpTheFlow() throws Exception {
    CountDownLatch stuck = new CountDownLatch(1);
    Flow<Integer> flow =
        Flows.named("stubborn")
            .returning(
                f -> {
                  var ignores =
                      f.task(
                              "ignores-interrupts",
                              () -> {
                                while (stuck.getCount() > 0) {
                                  try {
                                    stuck.await();
                                  } catch (InterruptedException ignored) {
                                    // this task ignores interrupts on purpose
                                  }
                                }
                                return "late";
                              })
                          .timeout(Duration.ofMillis(50))
                          .allowFailure();
                  var other = f.task("other", () -> "fine");
                  return f.gather("both", List.of(ignores.outcome(), other.outcome()), List::size);
                });
    try (Sluice sluice = Sluice.builder().executor(new PoolExecutor(2)).build()) {
      FlowRun run;
      try {
        run = sluice.start(flow, Map.of()).future().get(10, TimeUnit.SECONDS);
      } finally {
        stuck.countDown(); // let the stubborn task return before the pool shuts down
      }

      assertThat(run.state()).isEqualTo(State.COMPLETED);
      assertThat(run.result()).isEqualTo(2);
      assertThat(run.taskRun("ignores-interrupts").orElseThrow().state())
          .isInstanceOf(State.TimedOut.class);
    }
  }

  @Test
  void interruptingTheWaitingThreadCancelsTheRun() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    Flow<Void> flow =
        Flows.named("interrupted")
            .define(
                f ->
                    f.action(
                        "sleep",
                        () -> {
                          started.countDown();
                          Thread.sleep(60_000);
                        }));
    try (Sluice sluice = Sluice.builder().executor(new PoolExecutor(1)).build()) {
      FlowRun[] result = new FlowRun[1];
      boolean[] stillInterrupted = new boolean[1];
      Thread waiter =
          new Thread(
              () -> {
                result[0] = sluice.run(flow);
                stillInterrupted[0] = Thread.currentThread().isInterrupted();
              });
      waiter.start();
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      waiter.interrupt();
      waiter.join(10_000);

      assertThat(result[0].state()).isInstanceOf(State.Cancelled.class);
      assertThat(stillInterrupted[0]).isTrue();
    }
  }
}
