package dev.sluice.benchmarks;

import dev.sluice.Flows;
import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowProvider;
import dev.sluice.api.FlowRun;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * The subprocess executor: a run of a flow with one empty task, whose attempt goes to a worker JVM
 * and back. {@code pool=warm}: the worker is started once and reused (the round trip; budget ≤ 1
 * ms). {@code pool=fresh}: every attempt starts a new worker JVM and stops it after (worker start
 * time plus a cold round trip). Run: {@code java -jar benchmarks/target/benchmarks.jar
 * SubprocessBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SubprocessBenchmark {
  /** The benchmark's flows, rebuilt by the workers (registered for ServiceLoader). */
  public static final class BenchmarkFlows implements FlowProvider {
    // NullAway: the empty task returns null, which the engine passes on as the flow's result; the
    // DSL's TaskFunction0<R> types no nullable results, so it cannot say that a null is fine here.
    @SuppressWarnings("NullAway")
    static final Flow<Object> EMPTY =
        Flows.named("subprocess-empty").returning(f -> f.task("empty", () -> null));

    @Override
    public List<Flow<?>> flows() {
      return List.of(EMPTY);
    }
  }

  @Param({"warm", "fresh"})
  public String pool;

  private Sluice sluice;

  @Setup(Level.Trial)
  public void start() {
    sluice =
        Sluice.builder()
            .executor("subprocess")
            .setting("executor.workers", "1")
            .setting("executor.freshJvm", String.valueOf(pool.equals("fresh")))
            .setting("store", "off") // recording has its own benchmark (StoreBenchmark)
            .build();
    sluice.run(BenchmarkFlows.EMPTY); // starts the warm worker before the warm-up
  }

  @TearDown(Level.Trial)
  public void stop() {
    sluice.close();
  }

  @Benchmark
  public FlowRun emptyTask() {
    FlowRun run = sluice.run(BenchmarkFlows.EMPTY);
    if (!run.state().isCompleted()) {
      throw new IllegalStateException("the empty task did not complete: " + run.summary());
    }
    return run;
  }
}
