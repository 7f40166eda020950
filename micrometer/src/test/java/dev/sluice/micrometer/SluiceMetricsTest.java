package dev.sluice.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Flows;
import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.RunListener;
import dev.sluice.api.State;
import dev.sluice.api.StateType;
import dev.sluice.api.TaskRunEvent;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SluiceMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private Sluice sluice(RunListener... listeners) {
    Sluice.Builder builder =
        Sluice.builder()
            .executor("threadpool")
            .discoverListeners(false)
            .listener(SluiceMetrics.listener(registry));
    for (RunListener listener : listeners) {
      builder.listener(listener);
    }
    return builder.build();
  }

  @Test
  void countsFlowAndTaskRunsByFinalStateAndTimesRetries() {
    AtomicInteger flakyCalls = new AtomicInteger();
    Flow<Void> flow =
        Flows.named("nightly")
            .define(
                f -> {
                  f.task(
                          "flaky",
                          () -> {
                            if (flakyCalls.incrementAndGet() < 3) {
                              throw new IOException("not yet");
                            }
                            return 1;
                          })
                      .retries(2)
                      .retryDelay(Duration.ofMillis(5));
                  var broken =
                      f.task(
                              "broken",
                              (dev.sluice.TaskFunction0<Integer>)
                                  () -> {
                                    throw new IllegalStateException("down");
                                  })
                          .retries(1)
                          .retryDelay(Duration.ofMillis(5));
                  f.task("after broken", broken, x -> x + 1);
                });

    FlowRun run;
    try (Sluice sluice = sluice()) {
      run = sluice.run(flow);
    }

    assertThat(run.state().name()).isEqualTo("Failed");
    assertThat(count("sluice.flow.runs", "flow", "nightly", "state", "Failed")).isEqualTo(1);
    assertThat(count("sluice.task.runs", "task", "flaky", "state", "Completed")).isEqualTo(1);
    assertThat(count("sluice.task.runs", "task", "broken", "state", "Failed")).isEqualTo(1);
    assertThat(count("sluice.task.runs", "task", "after broken", "state", "NotReady")).isEqualTo(1);
    // flaky waited for 2 retries, broken for 1
    assertThat(timerCount("sluice.task.wait", "task", "flaky", "reason", "retry")).isEqualTo(2);
    assertThat(timerCount("sluice.task.wait", "task", "broken", "reason", "retry")).isEqualTo(1);
    // Timed: the two that ran, once each (all attempts together); the one never run is not.
    assertThat(timerCount("sluice.task.run.duration", "task", "flaky", "state", "Completed"))
        .isEqualTo(1);
    assertThat(timerCount("sluice.task.run.duration", "task", "broken", "state", "Failed"))
        .isEqualTo(1);
    assertThat(registry.find("sluice.task.run.duration").tag("task", "after broken").timers())
        .isEmpty();
    assertThat(timerCount("sluice.flow.run.duration", "flow", "nightly", "state", "Failed"))
        .isEqualTo(1);
    assertThat(registry.get("sluice.task.attempts.running").tag("flow", "nightly").gauge().value())
        .isZero();
  }

  @Test
  void timesTheWaitForAConcurrencySlotAndReportsFreeSlots() throws Exception {
    CountDownLatch secondWaits = new CountDownLatch(1);
    RunListener waiting =
        new RunListener() {
          @Override
          public void onTaskRunStateChanged(TaskRunEvent event) {
            if (event.state() instanceof State.AwaitingConcurrencySlot) {
              secondWaits.countDown();
            }
          }
        };
    double[] freeWhileHeld = new double[1];
    AtomicInteger running = new AtomicInteger();
    Flow<Void> flow =
        Flows.named("limited")
            .define(
                f -> {
                  for (String name : List.of("a", "b")) {
                    f.action(
                            name,
                            () -> {
                              if (running.getAndIncrement() == 0) {
                                // the first to run holds the only slot until the other waits
                                assertThat(secondWaits.await(30, TimeUnit.SECONDS)).isTrue();
                                freeWhileHeld[0] = freeSlots("db");
                              }
                            })
                        .tags("db");
                  }
                });

    try (Sluice sluice =
        Sluice.builder()
            .executor("threadpool")
            .setting("executor.parallelism", "2")
            .discoverListeners(false)
            .concurrencyLimit("db", 1)
            .listener(SluiceMetrics.listener(registry))
            .listener(waiting)
            .build()) {
      assertThat(freeSlots("db")).isEqualTo(1);
      FlowRun run = sluice.run(flow);
      assertThat(run.state().type()).isEqualTo(StateType.COMPLETED);
      assertThat(freeWhileHeld[0]).isZero();
      assertThat(freeSlots("db")).isEqualTo(1);
    }
    assertThat(registry.find("sluice.task.wait").tag("reason", "slot").timers())
        .singleElement()
        .satisfies(timer -> assertThat(timer.count()).isEqualTo(1));
    assertThat(registry.find("sluice.task.wait").tag("reason", "retry").timers()).isEmpty();
  }

  @Test
  void capsTaskAndFlowNamesAndTagsMappedElementsWithTheirStep() {
    RunListener capped = SluiceMetrics.listener(registry, 1, 3);
    Flow<Void> wide =
        Flows.named("wide")
            .define(
                f -> {
                  for (int i = 0; i < 5; i++) {
                    f.task("t" + i, () -> 1);
                  }
                });
    Flow<Void> mapped =
        Flows.named("mapped")
            .define(
                f -> {
                  var items = f.task("items", () -> IntStream.range(0, 10).boxed().toList());
                  f.map("square", items, (Integer x) -> x * x);
                });
    try (Sluice sluice =
        Sluice.builder().executor("threadpool").discoverListeners(false).listener(capped).build()) {
      sluice.run(wide);
      sluice.run(mapped);
    }

    List<String> taskTags =
        registry.find("sluice.task.runs").counters().stream()
            .map(c -> c.getId().getTag("task"))
            .distinct()
            .sorted()
            .toList();
    // The pool runs the five tasks in parallel, so which three are named first varies.
    assertThat(taskTags).hasSize(4).contains("other");
    assertThat(taskTags.subList(1, 4)).allSatisfy(t -> assertThat(t).matches("t[0-4]"));
    assertThat(count("sluice.task.runs", "task", "other", "state", "Completed"))
        .isEqualTo(2 + 1 + 1 + 10); // two of t0..t4, items, the map step square and its 10 elements
    assertThat(count("sluice.flow.runs", "flow", "other", "state", "Completed")).isEqualTo(1);
    assertThat(
            registry.getMeters().stream()
                .flatMap(m -> m.getId().getTags().stream())
                .map(tag -> tag.getKey()))
        .doesNotContain("flow_run_id", "task_run_id", "id");
  }

  @Test
  void theServiceLoaderListenerReportsToTheGlobalRegistry() {
    SimpleMeterRegistry global = new SimpleMeterRegistry();
    Metrics.addRegistry(global);
    try (Sluice sluice = Sluice.builder().executor("threadpool").build()) {
      sluice.run(Flows.named("discovered").define(f -> f.task("one", () -> 1)));
    } finally {
      Metrics.removeRegistry(global);
    }
    assertThat(
            global
                .get("sluice.task.runs")
                .tags("flow", "discovered", "task", "one", "state", "Completed")
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void rejectsNegativeCaps() {
    assertThatThrownBy(() -> SluiceMetrics.listener(registry, -1, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be >= 0");
  }

  private double freeSlots(String tag) {
    return registry.get("sluice.concurrency.slots.free").tag("tag", tag).gauge().value();
  }

  private double count(String name, String... tags) {
    return registry.find(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  private long timerCount(String name, String... tags) {
    return registry.find(name).tags(tags).timers().stream().mapToLong(t -> t.count()).sum();
  }
}
