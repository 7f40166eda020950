package dev.sluice.benchmarks;

import dev.sluice.Flows;
import dev.sluice.Sluice;
import dev.sluice.api.CachePolicy;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Feature paths on 10^4 independent tasks: every task failing once and retried at once ({@code
 * retry}); every task tagged with a concurrency limit of 2 ({@code limited}); every task cached and
 * found in the memory tier ({@code cached}), or cached under the run id so that every run misses
 * and stores ({@code cachemiss}); and plain tasks for reference ({@code plain}). Run: {@code java
 * -jar benchmarks/target/benchmarks.jar FeatureBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FeatureBenchmark {
  static final int TASKS = 10_000;

  /** Thrown by the retry path; preallocated so the benchmark measures the engine, not stacks. */
  private static final RuntimeException FAILURE =
      new RuntimeException("first attempt fails", null, false, false) {};

  @Param({"plain", "retry", "limited", "cached", "cachemiss"})
  public String feature;

  @Param({"local", "threadpool"})
  public String executor;

  private Sluice sluice;
  private Flow<Void> flow;

  @Setup(Level.Trial)
  public void build() {
    sluice =
        Sluice.builder()
            .executor(executor)
            .setting(
                "executor.parallelism",
                Integer.toString(Runtime.getRuntime().availableProcessors()))
            .concurrencyLimit("db", 2)
            .memoryOnlyCache()
            .discoverListeners(false)
            .setting("store", "off")
            .build();
    AtomicIntegerArray calls = new AtomicIntegerArray(TASKS);
    flow =
        Flows.named(feature)
            .define(
                f -> {
                  for (int i = 0; i < TASKS; i++) {
                    int node = i;
                    var task =
                        switch (feature) {
                          case "retry" ->
                              f.action(
                                      "t" + i,
                                      () -> {
                                        if ((calls.getAndIncrement(node) & 1) == 0) {
                                          throw FAILURE;
                                        }
                                      })
                                  .retries(1);
                          case "limited" -> f.action("t" + i, () -> {}).tags("db");
                          case "cached" ->
                              f.action("t" + i, () -> {}).cache(CachePolicy.version("1"));
                          case "cachemiss" ->
                              f.action("t" + i, () -> {}).cache(CachePolicy.runId());
                          default -> f.action("t" + i, () -> {});
                        };
                  }
                });
  }

  @Benchmark
  public void run() {
    FlowRun run = sluice.run(flow);
    if (!run.state().isCompleted()) {
      throw new IllegalStateException("the benchmark flow ended " + run.state());
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    sluice.close();
  }
}
