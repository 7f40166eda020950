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
 * Builds a DAG without running it: for Sluice, defining and validating the {@code Flow} (names,
 * edges, cycle check); for the others, their graph objects. Run: {@code java -jar
 * benchmarks/target/benchmarks.jar DagBuildBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xss64m", "-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DagBuildBenchmark {
  @Param({"CHAIN", "FAN", "TREE", "GRID", "LAYERED"})
  public Dag.Shape shape;

  @Param({"1000", "10000", "100000"})
  public int size;

  @Param({"SLUICE_POOL", "POOL_LIMIT", "DEXECUTOR", "FLO"})
  public Subject.Kind subject;

  private Dag dag;
  private Subject builder;

  @Setup(Level.Trial)
  public void setUp() {
    dag = shape.of(size);
    builder = subject.create(Runtime.getRuntime().availableProcessors());
  }

  @Benchmark
  public Subject build() throws Exception {
    builder.build(dag, Bodies.EMPTY);
    return builder;
  }

  @TearDown(Level.Trial)
  public void close() {
    builder.close();
  }
}
