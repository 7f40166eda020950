package dev.sluice.executor.threadpool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flows;
import dev.sluice.Ref;
import dev.sluice.Sluice;
import dev.sluice.TaskHandle;
import dev.sluice.api.CachePolicy;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.RetryPolicy;
import dev.sluice.api.RunListener;
import dev.sluice.api.TaskRun;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.executor.threadpool.ThreadPoolProperties.Node;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.jspecify.annotations.Nullable;

/**
 * Every point where the engine calls user code other than a task body — retry and abort conditions,
 * {@code onlyIf} tests, cache key functions, the messages of thrown exceptions, listeners, flow
 * hooks — throws, in random DAGs (those of {@link ThreadPoolProperties}, with retries, timeouts and
 * concurrency limits), on the local executor and on the thread pool. Every run still ends, in a
 * final state with every task run final, the engine throws nothing, no concurrency slot stays
 * taken, and a condition that threw decided no retry.
 *
 * <p>Flow parameters' defaults are plain values in the DSL, not code, so there is no such point for
 * them. What is thrown is anything but a {@link VirtualMachineError}: after one of those the engine
 * lets it go on up (see {@code UserCode}), and {@link CallbackFailuresTest} pins what then happens.
 */
class CallbackFailuresProperties {
  /** Where a node's user code throws. */
  enum Point {
    NONE,
    /** The body fails with an exception whose {@code getMessage()} throws. */
    ERROR_MESSAGE,
    RETRY_ON,
    ABORT_ON,
    ONLY_IF,
    CACHE_KEY
  }

  /** What user code throws. */
  enum Kind {
    RUNTIME,
    CHECKED,
    ASSERTION,
    LINKAGE
  }

  record Fault(Point point, Kind kind) {}

  /** A random DAG, a fault per node, and where the listener and the hooks throw. */
  record Scenario(
      List<Node> dag,
      List<Fault> faults,
      int listenerSeed, // a listener throws for about a third of the events when >= 0
      Kind listenerKind,
      boolean completionHookThrows,
      boolean failureHookThrows) {}

  private static final ExecutorService runner =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "property-runner");
            t.setDaemon(true);
            return t;
          });

  /** Read by the listeners of both Sluices: the current try's listener fault. */
  private static volatile @Nullable Scenario current;

  private static Sluice local;
  private static Sluice pool;

  @BeforeContainer
  static void start() {
    local = sluice(Sluice.builder().executor("local"));
    pool = sluice(Sluice.builder().executor("threadpool").setting("executor.parallelism", "4"));
  }

  private static Sluice sluice(Sluice.Builder builder) {
    ThreadPoolProperties.LIMITS.forEach(builder::concurrencyLimit);
    return builder
        .discoverListeners(false)
        .memoryOnlyCache()
        .listener(new ThrowingListener())
        .build();
  }

  @AfterContainer
  static void stop() {
    local.close();
    pool.close();
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    return ThreadPoolProperties.randomDags(20)
        .flatMap(
            dag ->
                Combinators.combine(
                        Combinators.combine(Arbitraries.of(Point.class), Arbitraries.of(Kind.class))
                            .as(Fault::new)
                            .list()
                            .ofSize(dag.size()),
                        Arbitraries.integers().between(-1, 1_000),
                        Arbitraries.of(Kind.class),
                        Arbitraries.of(true, false),
                        Arbitraries.of(true, false))
                    .as(
                        (faults, seed, kind, completion, failure) ->
                            new Scenario(dag, faults, seed, kind, completion, failure)));
  }

  @Property(tries = 100)
  void everyRunEndsWhereverUserCodeThrows(@ForAll("scenarios") Scenario scenario) throws Exception {
    current = scenario;
    for (Sluice sluice : List.of(local, pool)) {
      Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
      Flow<Void> flow = flow(scenario, calls);
      CompletableFuture<FlowRun> ended =
          CompletableFuture.supplyAsync(() -> sluice.run(flow), runner);
      FlowRun run;
      try {
        run = ended.get(60, TimeUnit.SECONDS); // an exception here is the engine throwing
      } catch (TimeoutException e) {
        throw new AssertionError("the run did not end within 60 s on " + sluice.executor(), e);
      }

      assertThat(run.state().isFinal()).as("the flow run's state %s", run.state()).isTrue();
      for (int j = 0; j < scenario.dag().size(); j++) {
        TaskRun task = run.taskRun("n" + j).orElseThrow();
        Fault fault = scenario.faults().get(j);
        int called = calls.getOrDefault(j, new AtomicInteger()).get();
        assertThat(task.state().isFinal()).as("n%d (%s) is %s", j, fault, task.state()).isTrue();
        assertThat(task.attempts()).as("attempts of n%d (%s)", j, fault).isEqualTo(called);
        assertThat(called).isLessThanOrEqualTo(scenario.dag().get(j).retries() + 1);
        switch (fault.point()) {
          case RETRY_ON, ABORT_ON ->
              assertThat(called)
                  .as("calls of n%d, whose %s threw", j, fault)
                  .isLessThanOrEqualTo(1);
          case ONLY_IF -> assertThat(called).as("calls of n%d (%s)", j, fault).isZero();
          default -> {}
        }
      }
      // A timed-out attempt keeps its slots until its interrupted code returns, which may be just
      // after the run ended (ThreadPoolProperties waits the same way).
      long deadline = System.nanoTime() + 2_000_000_000L;
      while (sluice.concurrencySlotsInUse().values().stream().anyMatch(used -> used > 0)
          && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertThat(sluice.concurrencySlotsInUse().values()).allMatch(used -> used == 0);
    }
  }

  private static Flow<Void> flow(Scenario scenario, Map<Integer, AtomicInteger> calls) {
    return Flows.named("callbacks-throw")
        .onCompletion(
            run -> {
              if (scenario.completionHookThrows()) {
                throw throwable(Kind.ASSERTION, "onCompletion hook");
              }
            })
        .onFailure(
            run -> {
              if (scenario.failureHookThrows()) {
                throw throwable(Kind.LINKAGE, "onFailure hook");
              }
            })
        .define(
            f -> {
              List<TaskHandle<Integer>> handles = new ArrayList<>();
              for (int j = 0; j < scenario.dag().size(); j++) {
                int node = j;
                Node spec = scenario.dag().get(j);
                Fault fault = scenario.faults().get(j);
                List<Ref<?>> inputs = new ArrayList<>();
                spec.upstreams().keySet().stream()
                    .sorted()
                    .forEach(
                        up ->
                            inputs.add(
                                spec.upstreams().get(up)
                                    ? handles.get(up).outcome()
                                    : handles.get(up)));
                boolean alwaysFails =
                    fault.point() == Point.RETRY_ON || fault.point() == Point.ABORT_ON;
                int failures =
                    fault.point() == Point.ERROR_MESSAGE
                        ? Math.max(1, spec.failures())
                        : alwaysFails ? Integer.MAX_VALUE : spec.failures();
                TaskHandle<Integer> task =
                    f.gather(
                            "n" + j,
                            inputs,
                            values -> {
                              int call =
                                  calls
                                      .computeIfAbsent(node, k -> new AtomicInteger())
                                      .incrementAndGet();
                              if (call == 1 && spec.slowFirstAttempt() && !alwaysFails) {
                                Thread.sleep(10_000); // interrupted by the 20 ms timeout
                              }
                              if (call <= failures) {
                                throw fault.point() == Point.ERROR_MESSAGE
                                    ? new UnprintableException(fault.kind())
                                    : new IOException("n" + node + " attempt " + call);
                              }
                              return node;
                            })
                        .timeout(Duration.ofMillis(20))
                        .tags(spec.tags().toArray(new String[0]));
                RetryPolicy policy = RetryPolicy.retries(spec.retries()).fixedDelay(Duration.ZERO);
                String what = "n" + j + " " + fault.point();
                switch (fault.point()) {
                  case RETRY_ON ->
                      policy =
                          policy.retryOn(
                              e -> {
                                throw throwable(fault.kind(), what);
                              });
                  case ABORT_ON ->
                      policy =
                          policy.abortOn(
                              e -> {
                                throw throwable(fault.kind(), what);
                              });
                  case ONLY_IF -> {
                    Ref<Integer> tested =
                        inputs.isEmpty() ? f.task("c" + j, () -> node) : handles.get(0);
                    task.onlyIf(
                        tested,
                        value -> {
                          throw throwable(fault.kind(), what);
                        });
                  }
                  case CACHE_KEY ->
                      task.cache(
                          CachePolicy.key(
                              in -> {
                                throw throwable(fault.kind(), what);
                              }));
                  default -> {}
                }
                task.retryPolicy(policy);
                handles.add(task);
              }
            });
  }

  /** What user code throws: unchecked, so a predicate can throw it; a checked one sneakily. */
  static RuntimeException throwable(Kind kind, String where) {
    String message = "user code threw at " + where;
    switch (kind) {
      case RUNTIME -> throw new IllegalStateException(message);
      case CHECKED ->
          throw CallbackFailuresProperties.<RuntimeException>sneaky(new IOException(message));
      case ASSERTION -> throw new AssertionError(message);
      case LINKAGE -> throw new NoClassDefFoundError(message);
    }
    throw new IllegalArgumentException(String.valueOf(kind));
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> T sneaky(Throwable t) throws T {
    throw (T) t;
  }

  /** A task failure whose message cannot be read. */
  static final class UnprintableException extends Exception {
    private final Kind kind;

    UnprintableException(Kind kind) {
      this.kind = kind;
    }

    @Override
    public String getMessage() {
      throw throwable(kind, "getMessage()");
    }
  }

  /** Throws for about a third of the events of the current scenario, deterministically. */
  static final class ThrowingListener implements RunListener {
    @Override
    public void onFlowRunStateChanged(FlowRunEvent event) {
      maybeThrow("flow", event.state().name());
    }

    @Override
    public void onTaskRunStateChanged(TaskRunEvent event) {
      maybeThrow(event.taskName(), event.state().name());
    }

    private static void maybeThrow(String name, String state) {
      Scenario scenario = current;
      if (scenario != null
          && scenario.listenerSeed() >= 0
          && Math.floorMod(Objects.hash(scenario.listenerSeed(), name, state), 3) == 0) {
        throw throwable(scenario.listenerKind(), "a listener hearing " + name + " " + state);
      }
    }
  }
}
