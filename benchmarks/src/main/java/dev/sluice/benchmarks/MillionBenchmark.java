package dev.sluice.benchmarks;

import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
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
 * A 10^6-node DAG built and run on the local executor in a 2 GiB heap: the flow is defined in the
 * setup, each measured operation is one whole run. Run: {@code java -jar
 * benchmarks/target/benchmarks.jar MillionBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 2)
@Measurement(iterations = 3)
public class MillionBenchmark {
  @Param({"CHAIN", "LAYERED"})
  public Dag.Shape shape;

  private Sluice sluice;
  private Flow<Void> flow;

  @Setup(Level.Trial)
  public void build() {
    sluice =
        Sluice.builder().executor("local").discoverListeners(false).setting("store", "off").build();
    flow = SluiceSubject.flow(shape.of(1_000_000), Bodies.EMPTY);
  }

  @Benchmark
  public FlowRun run() {
    FlowRun run = sluice.run(flow);
    if (!run.state().isCompleted()) {
      throw new IllegalStateException("the million-node flow ended " + run.state());
    }
    return run;
  }

  @TearDown(Level.Trial)
  public void close() {
    sluice.close();
  }
}
