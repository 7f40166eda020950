package dev.sluice.executor.threadpool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Flows;
import dev.sluice.Ref;
import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.State;
import dev.sluice.api.executor.ExecutorProvider;
import dev.sluice.api.executor.ExecutorSettings;
import dev.sluice.api.executor.TaskExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ThreadPoolExecutorTest {

  static List<Thread> sluiceThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("sluice-"))
        .toList();
  }

  /** Threads named sluice-* that are still alive after waiting a little for them to end. */
  static List<String> leftoverThreads(Set<Thread> before) throws InterruptedException {
    for (Thread t : sluiceThreads()) {
      if (!before.contains(t)) {
        t.join(5_000);
      }
    }
    return sluiceThreads().stream().filter(t -> !before.contains(t)).map(Thread::getName).toList();
  }

  private static Flow<Integer> fanOut(int width) {
    return Flows.named("fan-out")
        .returning(
            f -> {
              var root = f.task("root", () -> 1);
              List<Ref<Integer>> parts = new ArrayList<>();
              for (int i = 0; i < width; i++) {
                int k = i;
                parts.add(f.task("part" + i, root, x -> x + k));
              }
              return f.gather("sum", parts, l -> l.stream().mapToInt(Integer::intValue).sum());
            });
  }

  /**
   * Every worker of a 2-thread pool runs a task that runs a nested flow and waits for it: the
   * waiting workers run the nested flows' tasks themselves (woken when work is queued, parked
   * otherwise), so all complete although no thread is free.
   */
  @Test
  void nestedFlowsCompleteWhenEveryWorkerWaitsForOne() {
    try (Sluice sluice =
        Sluice.builder().executor("threadpool").setting("executor.parallelism", "2").build()) {
      Flow<Integer> child =
          Flows.named("nested")
              .returning(
                  f -> {
                    var a = f.task("a", () -> 1);
                    var b = f.task("b", a, x -> x + 1);
                    var c = f.task("c", a, x -> x + 2);
                    return f.task("sum", b, c, Integer::sum);
                  });
      Flow<Integer> parent =
          Flows.named("outer")
              .returning(
                  f -> {
                    List<Ref<Integer>> waits = new ArrayList<>();
                    for (int i = 0; i < 6; i++) {
                      waits.add(f.task("wait " + i, () -> (Integer) sluice.run(child).result()));
                    }
                    return f.gather("total", waits, xs -> xs.stream().mapToInt(x -> x).sum());
                  });

      FlowRun run = sluice.run(parent);

      assertThat(run.state()).isEqualTo(State.COMPLETED);
      assertThat(run.result()).isEqualTo(6 * 5);
    }
  }

  @Test
  void itIsFoundByNameAndPreferredOverLocal() {
    List<String> names = new ArrayList<>();
    ServiceLoader.load(ExecutorProvider.class).forEach(p -> names.add(p.name()));
    assertThat(names).contains("threadpool");
    try (Sluice sluice = Sluice.create()) {
      assertThat(sluice.executor().name()).isEqualTo("threadpool");
    }
  }

  @Test
  void attemptsRunInParallelOnPoolThreads() throws Exception {
    int parallelism = 4;
    CountDownLatch together = new CountDownLatch(parallelism);
    Set<String> threads = ConcurrentHashMap.newKeySet();
    Flow<Void> flow =
        Flows.named("together")
            .define(
                f -> {
                  for (int i = 0; i < parallelism; i++) {
                    f.action(
                        "t" + i,
                        () -> {
                          threads.add(Thread.currentThread().getName());
                          together.countDown();
                          // Completes only if all four run at the same time.
                          if (!together.await(10, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("tasks did not run in parallel");
                          }
                        });
                  }
                });
    try (Sluice sluice =
        Sluice.builder().executor("threadpool").setting("executor.parallelism", "4").build()) {
      FlowRun run = sluice.run(flow);

      assertThat(run.state()).isEqualTo(State.COMPLETED);
      assertThat(threads)
          .hasSize(4)
          .allSatisfy(name -> assertThat(name).startsWith("sluice-worker-"));
    }
  }

  @Test
  void aChainRunsOnOneWorkerAndEachStepStartsWhenTheOneBeforeItCompleted() {
    List<String> threads = new ArrayList<>();
    Flow<Integer> chain =
        Flows.named("chain")
            .returning(
                f -> {
                  Ref<Integer> last =
                      f.task(
                          "s0",
                          () -> {
                            threads.add(Thread.currentThread().getName());
                            return 0;
                          });
                  for (int i = 1; i < 5; i++) {
                    last =
                        f.task(
                            "s" + i,
                            last,
                            x -> {
                              threads.add(Thread.currentThread().getName());
                              return x + 1;
                            });
                  }
                  return last;
                });
    try (Sluice sluice =
        Sluice.builder().executor("threadpool").setting("executor.parallelism", "2").build()) {
      FlowRun run = sluice.run(chain);

      assertThat(run.result()).isEqualTo(4);
      // Each step ran as the continuation of the one before it: on the same worker, and stamped
      // Running at the instant the one before it was stamped Completed (no second clock read).
      assertThat(threads).hasSize(5).containsOnly(threads.get(0));
      for (int i = 1; i < 5; i++) {
        var before = run.taskRun("s" + (i - 1)).orElseThrow().history();
        var after = run.taskRun("s" + i).orElseThrow().history();
        assertThat(after.get(1).state()).isEqualTo(State.RUNNING);
        assertThat(before.get(2).state()).isEqualTo(State.COMPLETED);
        assertThat(after.get(1).at()).isEqualTo(before.get(2).at());
      }
    }
  }

  @Test
  void noTaskIsStampedRunningBeforeItsUpstreamsCompletedWhateverWorkerRunsIt() {
    // Layers of 40 tasks, each after 1-3 random tasks of the layer above: workers steal from each
    // other all the time. A task taken back to back after another may reuse that one's end as its
    // start, but only if that worker made it ready itself, after its upstreams ended.
    java.util.Random random = new java.util.Random(7);
    int layers = 60;
    int width = 40;
    Map<String, List<String>> upstreams = new java.util.HashMap<>();
    Flow<Void> flow =
        Flows.named("layers")
            .define(
                f -> {
                  List<Ref<Void>> above = new ArrayList<>();
                  for (int l = 0; l < layers; l++) {
                    List<Ref<Void>> layer = new ArrayList<>();
                    for (int k = 0; k < width; k++) {
                      String name = "t" + l + "_" + k;
                      var task = f.action(name, () -> {});
                      List<String> ups = new ArrayList<>();
                      if (!above.isEmpty()) {
                        for (int u = 0; u < 1 + random.nextInt(3); u++) {
                          Ref<Void> up = above.get(random.nextInt(width));
                          task.waitFor(up);
                          ups.add(up.name());
                        }
                      }
                      upstreams.put(name, ups);
                      layer.add(task);
                    }
                    above = layer;
                  }
                });
    try (Sluice sluice =
        Sluice.builder().executor("threadpool").setting("executor.parallelism", "2").build()) {
      for (int round = 0; round < 20; round++) {
        FlowRun run = sluice.run(flow);

        assertThat(run.state()).isEqualTo(State.COMPLETED);
        for (var taskRun : run.taskRuns()) {
          var history = taskRun.history();
          for (int k = 1; k < history.size(); k++) {
            assertThat(history.get(k).at()).isAfterOrEqualTo(history.get(k - 1).at());
          }
          var running = history.get(1);
          assertThat(running.state()).isEqualTo(State.RUNNING);
          for (String up : upstreams.get(taskRun.name())) {
            var upstream = run.taskRun(up).orElseThrow().history();
            assertThat(running.at())
                .as("%s started before its upstream %s completed", taskRun.name(), up)
                .isAfterOrEqualTo(upstream.get(upstream.size() - 1).at());
          }
        }
      }
    }
  }

  @Test
  void aWideFanOutIsMadeReadyBySeveralWorkersAndEachPartRunsOnce() {
    // The root's worker offers far parts of its 6,000 edges (each part's input and its condition's)
    // to the pool before counting its own share. A condition runs on the thread that makes its
    // step ready; the first one holds its thread until a condition runs on another thread, which
    // only happens if the other worker took an offered part (without offload, the first thread
    // would wait out the deadline, then make every step ready itself and the test fails).
    int width = 3_000;
    Map<String, String> madeReadyOn = new ConcurrentHashMap<>();
    Map<String, Integer> runs = new ConcurrentHashMap<>();
    java.util.concurrent.atomic.AtomicReference<String> firstThread =
        new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.CountDownLatch otherThreadMadeOneReady =
        new java.util.concurrent.CountDownLatch(1);
    Flow<Integer> flow =
        Flows.named("wide")
            .returning(
                f -> {
                  var root = f.task("root", () -> 1);
                  List<Ref<Integer>> parts = new ArrayList<>();
                  for (int i = 0; i < width; i++) {
                    String name = "part" + i;
                    parts.add(
                        f.task(
                                name,
                                root,
                                x -> {
                                  runs.merge(name, 1, Integer::sum);
                                  return x;
                                })
                            .onlyIf(
                                root,
                                x -> {
                                  String thread = Thread.currentThread().getName();
                                  madeReadyOn.put(name, thread);
                                  if (firstThread.compareAndSet(null, thread)) {
                                    awaitAtMost(otherThreadMadeOneReady, Duration.ofSeconds(20));
                                  } else if (!thread.equals(firstThread.get())) {
                                    otherThreadMadeOneReady.countDown();
                                  }
                                  return true;
                                }));
                  }
                  return f.gather("sum", parts, l -> l.stream().mapToInt(Integer::intValue).sum());
                });
    try (Sluice sluice =
        Sluice.builder().executor("threadpool").setting("executor.parallelism", "2").build()) {
      FlowRun run = sluice.run(flow);

      assertThat(run.result()).isEqualTo(width);
      assertThat(runs).hasSize(width).allSatisfy((name, count) -> assertThat(count).isEqualTo(1));
      assertThat(madeReadyOn).hasSize(width);
      assertThat(Set.copyOf(madeReadyOn.values())).hasSize(2);
    }
  }

  /** Waits for {@code latch} up to {@code deadline}; the test's assertions then say what failed. */
  private static void awaitAtMost(java.util.concurrent.CountDownLatch latch, Duration deadline) {
    try {
      latch.await(deadline.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aFailedRootEndsEveryPartOfAWideFanOutNotReady() {
    int width = 2_000;
    Flow<Integer> flow =
        Flows.named("wide-failure")
            .returning(
                f -> {
                  Ref<Integer> root =
                      f.task(
                          "root",
                          () -> {
                            throw new IllegalStateException("no input");
                          });
                  List<Ref<Integer>> parts = new ArrayList<>();
                  for (int i = 0; i < width; i++) {
                    parts.add(f.task("part" + i, root, x -> x));
                  }
                  return f.gather("sum", parts, List::size);
                });
    try (Sluice sluice =
        Sluice.builder().executor("threadpool").setting("executor.parallelism", "2").build()) {
      for (int round = 0; round < 5; round++) {
        FlowRun run = sluice.run(flow);

        assertThat(run.state()).isInstanceOf(State.Failed.class);
        assertThat(run.taskRuns()).hasSize(width + 2);
        assertThat(run.taskRun("root").orElseThrow().state()).isInstanceOf(State.Failed.class);
        for (int i = 0; i < width; i++) {
          assertThat(run.taskRun("part" + i).orElseThrow().state())
              .isInstanceOf(State.NotReady.class);
        }
        assertThat(run.taskRun("sum").orElseThrow().state()).isInstanceOf(State.NotReady.class);
      }
    }
  }

  @Test
  void closingWhileEveryWorkerIsStuckEndsTheStepsOfAWideFanOutThatNoWorkerMadeReady()
      throws Exception {
    // Both workers sit in bodies that ignore their interrupt while far parts of the root's 2,000
    // edges still wait in the pool's queues, their steps not made ready. The stopped pool never
    // runs
    // them: closing runs them on its own thread, so those steps end Cancelled and the run ends.
    int width = 2_000;
    CountDownLatch stuck = new CountDownLatch(2);
    Flow<Void> flow =
        Flows.named("stuck-wide")
            .define(
                f -> {
                  var root = f.task("root", () -> 1);
                  for (int i = 0; i < width; i++) {
                    f.action(
                        "part" + i,
                        root,
                        x -> {
                          stuck.countDown();
                          long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
                          while (System.nanoTime() < until) {
                            try {
                              Thread.sleep(50);
                            } catch (InterruptedException ignored) {
                              // stubborn: keeps its worker past the pool's shutdown
                            }
                          }
                        });
                  }
                });
    Sluice sluice =
        Sluice.builder().executor("threadpool").setting("executor.parallelism", "2").build();
    var handle = sluice.start(flow, Map.of());
    assertThat(stuck.await(10, TimeUnit.SECONDS)).isTrue();

    sluice.close();

    FlowRun run = handle.future().get(10, TimeUnit.SECONDS);
    assertThat(run.state()).isInstanceOf(State.Cancelled.class);
    assertThat(run.taskRuns()).hasSize(width + 1);
    for (int i = 0; i < width; i++) {
      assertThat(run.taskRun("part" + i).orElseThrow().state())
          .as("part%d", i)
          .isInstanceOf(State.Cancelled.class);
    }
  }

  @Test
  void virtualThreadsRunManyBlockingTasksAtOnce() {
    int tasks = 200;
    CountDownLatch together = new CountDownLatch(tasks);
    Flow<Void> flow =
        Flows.named("io-bound")
            .define(
                f -> {
                  for (int i = 0; i < tasks; i++) {
                    f.action(
                        "wait" + i,
                        () -> {
                          assertThat(Thread.currentThread().isVirtual()).isTrue();
                          together.countDown();
                          if (!together.await(10, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("tasks did not run at once");
                          }
                        });
                  }
                });
    try (Sluice sluice =
        Sluice.builder().executor("threadpool").setting("executor.threads", "virtual").build()) {
      assertThat(sluice.run(flow).state()).isEqualTo(State.COMPLETED);
    }
  }

  @Test
  void virtualThreadParallelismIsBounded() {
    int[] peak = {0};
    java.util.concurrent.atomic.AtomicInteger running =
        new java.util.concurrent.atomic.AtomicInteger();
    Flow<Void> flow =
        Flows.named("bounded-io")
            .define(
                f -> {
                  for (int i = 0; i < 50; i++) {
                    f.action(
                        "io" + i,
                        () -> {
                          int now = running.incrementAndGet();
                          synchronized (peak) {
                            peak[0] = Math.max(peak[0], now);
                          }
                          Thread.sleep(2);
                          running.decrementAndGet();
                        });
                  }
                });
    try (Sluice sluice =
        Sluice.builder()
            .executor("threadpool")
            .setting("executor.threads", "virtual")
            .setting("executor.parallelism", "3")
            .build()) {
      assertThat(sluice.run(flow).state()).isEqualTo(State.COMPLETED);
    }
    assertThat(peak[0]).isBetween(1, 3);
  }

  @Test
  void closingTheSluiceLeavesNoThreadBehind() throws Exception {
    Set<Thread> before = Set.copyOf(sluiceThreads());
    for (String threads : List.of("platform", "virtual")) {
      try (Sluice sluice =
          Sluice.builder()
              .executor("threadpool")
              .setting("executor.threads", threads)
              .setting("executor.parallelism", "4")
              .build()) {
        assertThat(sluice.run(fanOut(500)).result()).isEqualTo(500 + 499 * 500 / 2);
        if (threads.equals("platform")) {
          assertThat(sluiceThreads())
              .anySatisfy(t -> assertThat(t.getName()).startsWith("sluice-worker-"));
        }
      }
    }
    assertThat(leftoverThreads(before)).isEmpty();
  }

  @Test
  void closingStopsVirtualThreadsStillRunningAttempts() throws Exception {
    CountDownLatch started = new CountDownLatch(2);
    Flow<Void> flow =
        Flows.named("sleepers")
            .define(
                f -> {
                  for (int i = 0; i < 2; i++) {
                    f.action(
                        "sleep" + i,
                        () -> {
                          started.countDown();
                          Thread.sleep(60_000);
                        });
                  }
                });
    VirtualThreadExecutor executor;
    FlowRun run;
    try (Sluice sluice =
        Sluice.builder().executor("threadpool").setting("executor.threads", "virtual").build()) {
      executor = (VirtualThreadExecutor) sluice.executor();
      var handle = sluice.start(flow, Map.of());
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(executor.liveThreads()).isEqualTo(2);
      sluice.close();
      run = handle.future().get(10, TimeUnit.SECONDS);
    }
    assertThat(executor.liveThreads()).isZero();
    assertThat(run.state()).isEqualTo(new State.Cancelled("the Sluice instance was closed"));
  }

  @Test
  void aSharedPoolServesSeveralSluiceInstancesAndOutlivesThem() {
    TaskExecutor first;
    try (Sluice a =
        Sluice.builder().executor("threadpool").setting("executor.shared", "true").build()) {
      first = a.executor();
      assertThat(a.run(fanOut(10)).state()).isEqualTo(State.COMPLETED);
    }
    try (Sluice b =
        Sluice.builder().executor("threadpool").setting("executor.shared", "TRUE").build()) {
      assertThat(b.executor()).isSameAs(first);
      assertThat(b.run(fanOut(10)).state()).isEqualTo(State.COMPLETED);
    }
  }

  @Test
  void badSettingsNameTheSettingAndTheChoices() {
    ThreadPoolExecutorProvider provider = new ThreadPoolExecutorProvider();
    assertThatThrownBy(() -> provider.create(new ExecutorSettings(Map.of("threads", "green"))))
        .hasMessage(
            "bad value for the setting executor.threads in code (setting executor.threads):"
                + " expected one of platform, virtual, was 'green'");
    assertThatThrownBy(() -> provider.create(new ExecutorSettings(Map.of("parallelism", "0"))))
        .hasMessageContaining("executor.parallelism")
        .hasMessageContaining("expected a whole number >= 1, was '0'");
    assertThatThrownBy(() -> provider.create(new ExecutorSettings(Map.of("shared", "yes"))))
        .hasMessage(
            "bad value for the setting executor.shared in code (setting executor.shared):"
                + " expected true or false, was 'yes'");
  }

  @Test
  void aClosedExecutorRejectsAttemptsSoRunsEndInsteadOfHanging() {
    TaskExecutor executor =
        new ThreadPoolExecutorProvider().create(new ExecutorSettings(Map.of("parallelism", "2")));
    executor.close();
    try (Sluice sluice = Sluice.builder().executor(executor).build()) {
      FlowRun run = sluice.run(fanOut(3));
      assertThat(run.state()).isInstanceOf(State.Failed.class);
      assertThat(run.taskRun("root").orElseThrow().state()).isInstanceOf(State.Crashed.class);
    }
  }
}
