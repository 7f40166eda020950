package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.NonRetryableException;
import dev.sluice.api.RetryPolicy;
import dev.sluice.api.State;
import dev.sluice.api.StateChange;
import dev.sluice.api.TaskRun;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetriesTest {
  private final Sluice sluice = Sluice.builder().executor("local").build();

  @AfterEach
  void close() {
    sluice.close();
  }

  /** A task body failing its first {@code failures} calls with what {@code error} makes. */
  private static TaskFunction0<Integer> failing(
      AtomicInteger calls, int failures, java.util.function.Supplier<Exception> error) {
    return () -> {
      if (calls.incrementAndGet() <= failures) {
        throw error.get();
      }
      return calls.get();
    };
  }

  private static List<String> names(TaskRun run) {
    return run.history().stream().map(c -> c.state().name()).toList();
  }

  @Test
  void aTaskFailingTwiceWithFourRetriesCompletesOnItsThirdAttempt() {
    AtomicInteger calls = new AtomicInteger();
    Flow<Integer> flow =
        Flows.named("retry")
            .returning(
                f ->
                    f.task("flaky", failing(calls, 2, () -> new IOException("down")))
                        .retries(4)
                        .retryDelay(Duration.ofMillis(20)));

    FlowRun run = sluice.run(flow);

    TaskRun task = run.taskRun("flaky").orElseThrow();
    assertThat(run.result()).isEqualTo(3);
    assertThat(task.attempts()).isEqualTo(3);
    assertThat(names(task))
        .containsExactly(
            "Pending",
            "Running",
            "AwaitingRetry",
            "Retrying",
            "AwaitingRetry",
            "Retrying",
            "Completed");
    assertThat(task.error()).isEmpty();
    // The waits happened: each Retrying starts at least the delay after its AwaitingRetry.
    List<StateChange> h = task.history();
    assertThat(Duration.between(h.get(2).at(), h.get(3).at()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(20));
  }

  @Test
  void aTaskOutOfRetriesFailsWithItsLastError() {
    AtomicInteger calls = new AtomicInteger();
    Flow<Integer> flow =
        Flows.named("exhausted")
            .returning(
                f ->
                    f.task(
                            "flaky",
                            failing(calls, 10, () -> new IOException("down " + calls.get())))
                        .retries(2));

    FlowRun run = sluice.run(flow);

    TaskRun task = run.taskRun("flaky").orElseThrow();
    assertThat(task.attempts()).isEqualTo(3);
    assertThat(task.state())
        .isInstanceOfSatisfying(
            State.Failed.class, f -> assertThat(f.error()).hasMessage("down 3"));
    assertThat(calls).hasValue(3);
  }

  @Test
  void retryDelaysFollowTheListAndTheLastRepeats() {
    AtomicInteger calls = new AtomicInteger();
    Flow<Integer> flow =
        Flows.named("listed")
            .returning(
                f ->
                    f.task("flaky", failing(calls, 3, () -> new IOException("down")))
                        .retries(3)
                        .retryDelays(Duration.ofMillis(5), Duration.ofMillis(30)));

    FlowRun run = sluice.run(flow);

    List<StateChange> h = run.taskRun("flaky").orElseThrow().history();
    List<Duration> waits = new ArrayList<>();
    for (int i = 0; i < h.size(); i++) {
      if (h.get(i).state() instanceof State.AwaitingRetry awaiting) {
        waits.add(Duration.between(h.get(i).at(), awaiting.retryAt()));
      }
    }
    assertThat(waits).hasSize(3);
    assertThat(waits.get(0)).isBetween(Duration.ofMillis(5), Duration.ofMillis(6));
    assertThat(waits.get(1)).isBetween(Duration.ofMillis(30), Duration.ofMillis(31));
    assertThat(waits.get(2)).isBetween(Duration.ofMillis(30), Duration.ofMillis(31));
  }

  @Test
  void retryOnAndAbortOnChooseWhichErrorsAreRetried() {
    AtomicInteger ioCalls = new AtomicInteger();
    AtomicInteger missingCalls = new AtomicInteger();
    AtomicInteger otherCalls = new AtomicInteger();
    RetryPolicy policy =
        RetryPolicy.retries(3).retryOn(IOException.class).abortOn(FileNotFoundException.class);
    Flow<Void> flow =
        Flows.named("selective")
            .define(
                f -> {
                  f.task("io", failing(ioCalls, 2, () -> new IOException("flaky")))
                      .retryPolicy(policy);
                  f.task(
                          "missing",
                          failing(missingCalls, 2, () -> new FileNotFoundException("gone")))
                      .retryPolicy(policy);
                  f.task("other", failing(otherCalls, 2, () -> new IllegalStateException("bug")))
                      .retryPolicy(policy);
                });

    FlowRun run = sluice.run(flow);

    assertThat(run.taskRun("io").orElseThrow().state()).isEqualTo(State.COMPLETED);
    assertThat(ioCalls).hasValue(3);
    assertThat(missingCalls).hasValue(1);
    assertThat(otherCalls).hasValue(1);
    assertThat(run.taskRun("missing").orElseThrow().state()).isInstanceOf(State.Failed.class);
  }

  @Test
  void aPredicateCanDecideRetries() {
    AtomicInteger calls = new AtomicInteger();
    Flow<Integer> flow =
        Flows.named("predicate")
            .returning(
                f ->
                    f.task(
                            "http",
                            failing(
                                calls, 2, () -> new UncheckedIOException(new IOException("503"))))
                        .retryPolicy(
                            RetryPolicy.retries(5)
                                .retryOn(
                                    e ->
                                        e.getCause() != null
                                            && "503".equals(e.getCause().getMessage()))));

    assertThat(sluice.run(flow).result()).isEqualTo(3);
  }

  @Test
  void aNonRetryableExceptionStopsRetriesAtOnce() {
    AtomicInteger calls = new AtomicInteger();
    Flow<Integer> flow =
        Flows.named("fatal")
            .returning(
                f ->
                    f.task(
                            "validate",
                            failing(calls, 5, () -> new NonRetryableException("bad input")))
                        .retries(5));

    FlowRun run = sluice.run(flow);

    assertThat(calls).hasValue(1);
    assertThat(run.taskRun("validate").orElseThrow().state()).isInstanceOf(State.Failed.class);
  }

  @Test
  void exponentialBackoffDoublesUpToItsMaximum() {
    AtomicInteger calls = new AtomicInteger();
    Flow<Integer> flow =
        Flows.named("backoff")
            .returning(
                f ->
                    f.task("flaky", failing(calls, 4, () -> new IOException("down")))
                        .retryPolicy(
                            RetryPolicy.retries(4)
                                .exponentialBackoff(
                                    Duration.ofMillis(2), 3.0, Duration.ofMillis(20))));

    FlowRun run = sluice.run(flow);

    List<Duration> waits = new ArrayList<>();
    for (StateChange c : run.taskRun("flaky").orElseThrow().history()) {
      if (c.state() instanceof State.AwaitingRetry awaiting) {
        waits.add(
            Duration.between(c.at(), awaiting.retryAt())
                .truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
      }
    }
    assertThat(waits)
        .containsExactly(
            Duration.ofMillis(2),
            Duration.ofMillis(6),
            Duration.ofMillis(18),
            Duration.ofMillis(20));
  }

  @Test
  void aFlowRetryReRunsOnlyWhatDidNotComplete() {
    List<String> ran = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger flaky = new AtomicInteger();
    Flow<String> flow =
        Flows.named("flow-retry")
            .retries(2)
            .retryDelay(Duration.ofMillis(10))
            .returning(
                f -> {
                  var a =
                      f.task(
                          "a",
                          () -> {
                            ran.add("a");
                            return "a";
                          });
                  var b =
                      f.task(
                          "b",
                          a,
                          x -> {
                            ran.add("b");
                            if (flaky.incrementAndGet() < 2) {
                              throw new IOException("b failed");
                            }
                            return x + "b";
                          });
                  var c =
                      f.task(
                          "c",
                          b,
                          x -> {
                            ran.add("c");
                            return x + "c";
                          });
                  return c;
                });

    FlowRun run = sluice.run(flow);

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo("abc");
    assertThat(ran).containsExactly("a", "b", "b", "c");
    assertThat(run.attempts()).isEqualTo(2);
    assertThat(run.history().stream().map(h -> h.state().name()))
        .containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Completed");
    assertThat(names(run.taskRun("c").orElseThrow()))
        .containsExactly("Pending", "NotReady", "Pending", "Running", "Completed");
    assertThat(run.taskRun("b").orElseThrow().attempts()).isEqualTo(2);
  }

  @Test
  void aFlowOutOfRetriesFails() {
    Flow<Void> flow =
        Flows.named("flow-exhausted")
            .retries(1)
            .define(
                f ->
                    f.task(
                        "always",
                        () -> {
                          throw new IOException("no");
                        }));

    FlowRun run = sluice.run(flow, Map.of());

    assertThat(run.state()).isInstanceOf(State.Failed.class);
    assertThat(run.attempts()).isEqualTo(2);
    assertThat(run.taskRun("always").orElseThrow().attempts()).isEqualTo(2);
  }
}
