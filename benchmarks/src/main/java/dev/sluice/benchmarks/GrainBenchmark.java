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
 * The grain sweep: a 10^4-task fan-out and layered DAG whose tasks burn 0, 1, 10 or 100 µs of CPU.
 * Comparing Sluice with the pool limit at each grain finds the smallest task for which Sluice keeps
 * 90 % of the pool limit's throughput. Run: {@code java -jar benchmarks/target/benchmarks.jar
 * GrainBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GrainBenchmark {
  @Param({"FAN", "LAYERED"})
  public Dag.Shape shape;

  @Param({"0", "1", "10", "100"})
  public double workMicros;

  @Param({"SLUICE_POOL", "POOL_LIMIT", "FUTURE_GRAPH"})
  public Subject.Kind subject;

  private Subject runner;

  @Setup(Level.Trial)
  public void build() throws Exception {
    runner = subject.create(Runtime.getRuntime().availableProcessors());
    runner.build(shape.of(10_000), Bodies.work(workMicros));
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
