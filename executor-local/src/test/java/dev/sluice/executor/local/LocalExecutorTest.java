package dev.sluice.executor.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.executor.Attempt;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

// Timeouts only guard against hangs; no test asserts how long anything takes.
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalExecutorTest {
  private final LocalExecutor executor = new LocalExecutor();

  /** What happened, in order, across all attempts of a test. */
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());

  /** Which attempt ran right after which ({@link Attempt#runAfter}), in order. */
  private final List<String> backToBack = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void close() {
    executor.close();
  }

  /** An attempt that records when it runs or is rejected, and on which thread it ran. */
  private final class RecordingAttempt implements Attempt {
    private final String name;
    private final Consumer<RecordingAttempt> body;
    final AtomicInteger runs = new AtomicInteger();
    final AtomicReference<@Nullable Thread> thread = new AtomicReference<>();
    final AtomicReference<@Nullable Throwable> rejected = new AtomicReference<>();

    RecordingAttempt(String name, Consumer<RecordingAttempt> body) {
      this.name = name;
      this.body = body;
    }

    RecordingAttempt(String name) {
      this(name, self -> {});
    }

    @Override
    public String flowName() {
      return "test";
    }

    @Override
    public String taskName() {
      return name;
    }

    @Override
    public UUID taskRunId() {
      return new UUID(0, name.hashCode());
    }

    @Override
    public int number() {
      return 1;
    }

    @Override
    public void run() {
      runs.incrementAndGet();
      thread.set(Thread.currentThread());
      events.add("start " + name);
      body.accept(this);
      events.add("end " + name);
    }

    @Override
    public void runAfter(Attempt previous) {
      backToBack.add(name + " after " + previous.taskName());
      run();
    }

    @Override
    public void reject(Throwable cause) {
      rejected.set(cause);
      events.add("reject " + name);
    }
  }

  /** Blocks until {@code thread} waits in {@link LocalExecutor#runUntil} (its only wait). */
  private static void awaitWaiting(Thread thread) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (thread.getState() != Thread.State.TIMED_WAITING
        && thread.getState() != Thread.State.WAITING) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "gave up waiting for "
                + thread.getName()
                + " to wait in runUntil: "
                + thread.getState());
      }
      Thread.sleep(1);
    }
  }

  @Test
  void nameIsLocal() {
    assertThat(executor.name()).isEqualTo("local");
  }

  @Test
  void runsTheAttemptOnTheCallingThreadBeforeExecuteReturns() {
    RecordingAttempt attempt = new RecordingAttempt("a");

    executor.execute(attempt);

    assertThat(attempt.runs).hasValue(1);
    assertThat(attempt.thread.get()).isSameAs(Thread.currentThread());
    assertThat(attempt.rejected.get()).isNull();
  }

  @Test
  void queuedAttemptsRunBackToBackEachAfterTheOneBeforeIt() {
    RecordingAttempt c = new RecordingAttempt("c");
    RecordingAttempt b = new RecordingAttempt("b");
    RecordingAttempt a =
        new RecordingAttempt(
            "a",
            self -> {
              executor.execute(b);
              executor.execute(c);
            });

    executor.execute(a);
    executor.execute(new RecordingAttempt("d")); // a new trampoline: nothing ran just before it

    assertThat(events)
        .containsExactly(
            "start a", "end a", "start b", "end b", "start c", "end c", "start d", "end d");
    assertThat(backToBack).containsExactly("b after a", "c after b");
  }

  @Test
  void attemptsHandedOverWhileOneRunsAreQueuedFirstInFirstOut() {
    RecordingAttempt d = new RecordingAttempt("d");
    RecordingAttempt b = new RecordingAttempt("b", self -> executor.execute(d));
    RecordingAttempt c = new RecordingAttempt("c");
    RecordingAttempt a =
        new RecordingAttempt(
            "a",
            self -> {
              executor.execute(b);
              executor.execute(c);
              events.add("a handed over b and c");
            });

    executor.execute(a);

    // b does not start inside a (no recursion); d, handed over by b, waits behind c.
    assertThat(events)
        .containsExactly(
            "start a",
            "a handed over b and c",
            "end a",
            "start b",
            "end b",
            "start c",
            "end c",
            "start d",
            "end d");
    for (RecordingAttempt attempt : List.of(a, b, c, d)) {
      assertThat(attempt.runs).hasValue(1);
      assertThat(attempt.thread.get()).isSameAs(Thread.currentThread());
    }
  }

  @Test
  void consecutiveExecuteCallsFromOutsideRunOneAfterTheOther() {
    executor.execute(new RecordingAttempt("a"));
    executor.execute(new RecordingAttempt("b"));

    assertThat(events).containsExactly("start a", "end a", "start b", "end b");
  }

  @Test
  void longChainOfHandOversDoesNotGrowTheStack() {
    int n = 100_000;
    AtomicInteger ran = new AtomicInteger();
    List<Integer> depths = new ArrayList<>();
    class Link implements Attempt {
      private final int index;

      Link(int index) {
        this.index = index;
      }

      @Override
      public String flowName() {
        return "chain";
      }

      @Override
      public String taskName() {
        return "link" + index;
      }

      @Override
      public UUID taskRunId() {
        return new UUID(0, index);
      }

      @Override
      public int number() {
        return 1;
      }

      @Override
      public void run() {
        ran.incrementAndGet();
        if (index % 10_000 == 0 || index == n - 1) {
          depths.add(Thread.currentThread().getStackTrace().length);
        }
        if (index + 1 < n) {
          executor.execute(new Link(index + 1));
        }
      }

      @Override
      public void reject(Throwable cause) {
        throw new AssertionError("rejected", cause);
      }
    }

    executor.execute(new Link(0));

    assertThat(ran).hasValue(n);
    assertThat(depths).hasSize(11);
    // The first link runs through run(), the others through runAfter(previous): one frame more.
    assertThat(depths.subList(1, depths.size())).containsOnly(depths.get(1));
    assertThat(depths.get(1) - depths.get(0)).isBetween(0, 1);
  }

  @Test
  void runUntilReturnsAtOnceForACompletedFuture() throws InterruptedException {
    executor.runUntil(CompletableFuture.completedFuture("done"));
  }

  @Test
  void runUntilRunsAttemptsHandedOverByAnotherThreadOnTheWaitingThread() throws Exception {
    CompletableFuture<String> done = new CompletableFuture<>();
    Thread waiter = Thread.currentThread();
    RecordingAttempt first = new RecordingAttempt("first");
    RecordingAttempt second = new RecordingAttempt("second");
    RecordingAttempt last = new RecordingAttempt("last", self -> done.complete("finished"));
    AtomicReference<@Nullable Throwable> helperFailure = new AtomicReference<>();
    Thread helper =
        new Thread(
            () -> {
              try {
                awaitWaiting(waiter);
                executor.execute(first);
                executor.execute(second);
                executor.execute(last);
              } catch (Throwable t) {
                helperFailure.set(t);
              }
            },
            "helper");
    helper.start();

    executor.runUntil(done);
    helper.join();

    assertThat(helperFailure.get()).isNull();
    assertThat(done).isCompletedWithValue("finished");
    assertThat(events)
        .containsExactly(
            "start first", "end first", "start second", "end second", "start last", "end last");
    for (RecordingAttempt attempt : List.of(first, second, last)) {
      assertThat(attempt.thread.get()).isSameAs(waiter);
      assertThat(attempt.runs).hasValue(1);
    }
  }

  @Test
  void runUntilReturnsWhenAnotherThreadCompletesTheFuture() throws Exception {
    CompletableFuture<String> done = new CompletableFuture<>();
    Thread waiter = Thread.currentThread();
    Thread helper =
        new Thread(
            () -> {
              try {
                awaitWaiting(waiter);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              done.complete("from helper");
            });
    helper.start();

    executor.runUntil(done);
    helper.join();

    assertThat(done).isCompletedWithValue("from helper");
  }

  @Test
  void runUntilRunsAttemptsThatTheRunningAttemptQueuedBeforeWaiting() {
    // A task that starts a flow and waits for it, on the local executor: what it hands over
    // queues behind it, so the wait itself must run the queue or it never ends.
    CompletableFuture<String> inner = new CompletableFuture<>();
    RecordingAttempt innerTask = new RecordingAttempt("inner", self -> inner.complete("ok"));
    RecordingAttempt outer =
        new RecordingAttempt(
            "outer",
            self -> {
              executor.execute(innerTask);
              try {
                executor.runUntil(inner);
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
              events.add("outer saw " + inner.join());
            });

    executor.execute(outer);

    assertThat(events)
        .containsExactly("start outer", "start inner", "end inner", "outer saw ok", "end outer");
  }

  @Test
  void attemptHandedOverByAnotherThreadRunsThereWhenNobodyWaits() throws Exception {
    RecordingAttempt attempt = new RecordingAttempt("a");
    Thread other = new Thread(() -> executor.execute(attempt), "other");

    other.start();
    other.join();

    assertThat(attempt.runs).hasValue(1);
    assertThat(attempt.thread.get()).isSameAs(other);
  }

  @Test
  void afterCloseExecuteRejectsTheAttempt() {
    RecordingAttempt attempt = new RecordingAttempt("late");

    executor.close();
    executor.execute(attempt);

    assertThat(attempt.runs).hasValue(0);
    assertThat(attempt.rejected.get())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void closeRejectsAttemptsWaitingForTheWaitingThread() throws Exception {
    CompletableFuture<String> done = new CompletableFuture<>();
    Thread waiter = Thread.currentThread();
    CountDownLatch busyStarted = new CountDownLatch(1);
    CountDownLatch releaseBusy = new CountDownLatch(1);
    RecordingAttempt busy =
        new RecordingAttempt(
            "busy",
            self -> {
              busyStarted.countDown();
              try {
                releaseBusy.await();
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
            });
    RecordingAttempt pending = new RecordingAttempt("pending");
    AtomicReference<@Nullable Throwable> helperFailure = new AtomicReference<>();
    Thread helper =
        new Thread(
            () -> {
              try {
                awaitWaiting(waiter);
                executor.execute(busy);
                busyStarted.await();
                // The waiting thread is busy, so this one queues for it...
                executor.execute(pending);
                // ...until the executor closes.
                executor.close();
                releaseBusy.countDown();
                done.complete("closed");
              } catch (Throwable t) {
                helperFailure.set(t);
                releaseBusy.countDown();
                done.completeExceptionally(t);
              }
            });
    helper.start();

    executor.runUntil(done);
    helper.join();

    assertThat(helperFailure.get()).isNull();
    assertThat(busy.runs).hasValue(1);
    assertThat(pending.runs).hasValue(0);
    assertThat(pending.rejected.get()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closeIsIdempotent() {
    executor.close();
    executor.close();

    RecordingAttempt attempt = new RecordingAttempt("late");
    executor.execute(attempt);
    assertThat(attempt.rejected.get()).isNotNull();
  }

  @Test
  void attemptThatThrowsDoesNotStrandTheAttemptsQueuedBehindIt() {
    RecordingAttempt queued = new RecordingAttempt("queued");
    RecordingAttempt failing =
        new RecordingAttempt(
            "failing",
            self -> {
              executor.execute(queued);
              throw new IllegalStateException("attempt broke its contract");
            });

    try {
      executor.execute(failing);
    } catch (IllegalStateException expected) {
      // Whether the executor propagates the exception is its choice; losing work is not.
    }

    // Exactly one of run() and reject() must be called on every attempt handed over.
    assertThat(queued.runs.get() + (queued.rejected.get() == null ? 0 : 1)).isEqualTo(1);
  }

  @Test
  void thrownAttemptLeavesTheExecutorUsable() {
    RecordingAttempt failing =
        new RecordingAttempt(
            "failing",
            self -> {
              throw new IllegalStateException("boom");
            });
    assertThatThrownBy(() -> executor.execute(failing)).isInstanceOf(IllegalStateException.class);

    RecordingAttempt next = new RecordingAttempt("next");
    executor.execute(next);

    assertThat(next.runs).hasValue(1);
  }

  @Test
  void attemptHandedOverAfterTheFutureCompletedIsNotLostWhenTheWaiterLeaves() throws Exception {
    // The waiting thread is busy with one attempt while another thread completes the future and
    // then hands over a second attempt, which queues for the waiter. When the waiter leaves
    // runUntil, that attempt must still run (or be rejected) exactly once.
    CompletableFuture<String> done = new CompletableFuture<>();
    Thread waiter = Thread.currentThread();
    CountDownLatch busyStarted = new CountDownLatch(1);
    CountDownLatch releaseBusy = new CountDownLatch(1);
    CountDownLatch straggled = new CountDownLatch(1);
    RecordingAttempt busy =
        new RecordingAttempt(
            "busy",
            self -> {
              busyStarted.countDown();
              try {
                releaseBusy.await();
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
            });
    RecordingAttempt straggler = new RecordingAttempt("straggler", self -> straggled.countDown());
    AtomicReference<@Nullable Throwable> helperFailure = new AtomicReference<>();
    Thread helper =
        new Thread(
            () -> {
              try {
                awaitWaiting(waiter);
                executor.execute(busy);
                busyStarted.await();
                done.complete("done");
                executor.execute(straggler);
              } catch (Throwable t) {
                helperFailure.set(t);
              } finally {
                releaseBusy.countDown();
              }
            });
    helper.start();

    executor.runUntil(done);
    helper.join();

    assertThat(helperFailure.get()).isNull();
    // Generous wait in case a correct implementation runs it on another thread.
    straggled.await(10, TimeUnit.SECONDS);
    assertThat(straggler.runs.get() + (straggler.rejected.get() == null ? 0 : 1)).isEqualTo(1);
  }
}
