package dev.sluice.benchmarks;

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
 * Runs a whole DAG of empty tasks, every subject on the same shapes and the same pool size (the
 * number of processors). One operation is one run of the DAG; {@code benchmarks/run} divides by the
 * number of tasks. Run: {@code benchmarks/run} or {@code java -jar benchmarks/target/benchmarks.jar
 * DagRunBenchmark -p subject=SLUICE_POOL -p shape=FAN}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xss64m", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DagRunBenchmark {
  @Param({"CHAIN", "FAN", "TREE", "GRID", "LAYERED"})
  public Dag.Shape shape;

  @Param({"1000", "10000", "100000"})
  public int size;

  @Param({
    "SLUICE_LOCAL",
    "SLUICE_POOL",
    "SLUICE_VIRTUAL",
    "POOL_LIMIT",
    "FUTURE_GRAPH",
    "LOOP_LIMIT",
    "DEXECUTOR",
    "FLO"
  })
  public Subject.Kind subject;

  private Dag dag;
  private Subject runner;

  @Setup(Level.Trial)
  public void build() throws Exception {
    dag = shape.of(size);
    runner = subject.create(Runtime.getRuntime().availableProcessors());
    runner.build(dag, Bodies.EMPTY);
  }

  /** Subjects whose graph a run consumes get a fresh one, outside the measured run. */
  @Setup(Level.Invocation)
  public void rebuild() throws Exception {
    if (runner.oneShot()) {
      runner.build(dag, Bodies.EMPTY);
    }
  }

  @Benchmark
  public void run() throws Exception {
    runner.run();
  }

  @TearDown(Level.Trial)
  public void close() {
    runner.close();
  }
}
