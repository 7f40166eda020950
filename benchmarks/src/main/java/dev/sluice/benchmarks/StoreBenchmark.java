package dev.sluice.benchmarks;

import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.State;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.RunRecorder;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The run history's cost. Two targets of DESIGN.md's budget:
 *
 * <ul>
 *   <li>{@link Writer#transitions}: task-run state transitions per second that the SQLite writer
 *       commits, handed over as the engine does and flushed (target ≥ 50,000/s).
 *   <li>{@link Flow10k#run}: a 10^4-task layered DAG of 1 ms CPU tasks on the thread pool, with
 *       recording {@code on} (local SQLite) or through a {@code server} (a Sluice server in the
 *       same JVM, reached over loopback HTTP by {@code api.url}) vs {@code off} (target: ≤ 10 %
 *       slower). Besides the wall time it reports the process's CPU time ({@code cpuMillis / runs}
 *       per run).
 * </ul>
 *
 * Run: {@code ./dev java -jar benchmarks/target/benchmarks.jar StoreBenchmark -wi 1 -i 3}.
 */
public class StoreBenchmark {
  static final int TRANSITIONS = 100_000;

  /** One SQLite store in a temporary directory, fed by hand. */
  @org.openjdk.jmh.annotations.State(Scope.Benchmark)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Fork(
      value = 1,
      jvmArgsAppend = {
        "-Xms1g",
        "-Xmx1g",
        "-XX:+AlwaysPreTouch",
        "--enable-native-access=ALL-UNNAMED"
      })
  @Warmup(iterations = 2, time = 2)
  @Measurement(iterations = 3, time = 2)
  public static class Writer {
    private Path dir;
    private RunStore store;
    private RunRecorder recorder;
    private TaskRunEvent[] events;
    private static final FlowInfo FLOW =
        new FlowInfo("bench", "", "", List.of(new FlowInfo.StepInfo("t", "task", List.of())), "");

    @Setup(Level.Trial)
    public void open() throws IOException {
      dir = Files.createTempDirectory("sluice-store-bench");
      store = RunStores.open(dir.resolve("sluice.db").toString(), Map.of());
      recorder = store.recorder();
    }

    /** A fresh flow run and 25,000 task runs of 4 transitions each, built outside the timing. */
    @Setup(Level.Invocation)
    public void prepare() {
      UUID run = UUID.randomUUID();
      Instant now = Instant.now();
      recorder.flowRunStarted(
          new FlowRunStart(run, FLOW, "{}", null, null, now, RunOwner.current()));
      events = new TaskRunEvent[TRANSITIONS];
      long high = System.currentTimeMillis() << 16;
      long low = UUID.randomUUID().getLeastSignificantBits();
      for (int i = 0; i < TRANSITIONS; i += 4) {
        // Time-ordered ids, like the engine's UUIDv7s: each new task run sorts after the last.
        UUID task = new UUID(high + i, low);
        // Elements of one mapped step "t", as the engine reports them: step name and index given.
        events[i] = event(run, task, i, null, State.PENDING, now, 0);
        events[i + 1] = event(run, task, i, State.PENDING, State.RUNNING, now, 1);
        events[i + 2] = event(run, task, i, State.RUNNING, new State.AwaitingRetry(now, 2), now, 1);
        events[i + 3] = event(run, task, i, State.RETRYING, State.COMPLETED, now, 2);
      }
    }

    private static TaskRunEvent event(
        UUID run,
        UUID task,
        int index,
        @Nullable State previous,
        State next,
        Instant at,
        int attempt) {
      return new TaskRunEvent(
          run, "bench", task, "t[" + index + "]", previous, next, at, attempt, null, "t", index);
    }

    @Benchmark
    @OperationsPerInvocation(TRANSITIONS)
    public void transitions() {
      for (TaskRunEvent event : events) {
        recorder.taskRunStateChanged(event);
      }
      if (!recorder.flush(Duration.ofMinutes(2))) {
        throw new IllegalStateException("the writer did not commit within 2 minutes");
      }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      store.close();
      delete(dir);
    }
  }

  /** A 10^4-task flow of 1 ms tasks, recorded or not. */
  @org.openjdk.jmh.annotations.State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Fork(
      value = 1,
      jvmArgsAppend = {
        "-Xms1g",
        "-Xmx1g",
        "-XX:+AlwaysPreTouch",
        "--enable-native-access=ALL-UNNAMED"
      })
  @Warmup(iterations = 1, time = 1)
  @Measurement(iterations = 3, time = 1)
  public static class Flow10k {
    /** off; on (a local SQLite file); server (through a Sluice server in this JVM, by api.url). */
    @Param({"off", "on", "server"})
    public String recording;

    private Path dir;
    private Sluice sluice;
    private @Nullable RunStore serverStore;
    private dev.sluice.server.@Nullable SluiceServer server;
    private Flow<Void> flow;

    @Setup(Level.Trial)
    public void build() throws IOException {
      dir = Files.createTempDirectory("sluice-store-bench");
      Sluice.Builder builder = Sluice.builder().executor("threadpool").discoverListeners(false);
      switch (recording) {
        case "off" -> builder.setting("store", "off");
        case "on" -> builder.setting("store", dir.resolve("sluice.db").toString());
        case "server" -> {
          RunStore store = RunStores.open(dir.resolve("server.db").toString(), Map.of());
          serverStore = store;
          dev.sluice.server.SluiceServer started =
              dev.sluice.server.SluiceServer.builder().store(store).port(0).start();
          server = started;
          builder
              .setting("home", dir.toString())
              .setting("store", dir.resolve("unused.db").toString())
              .setting("api.url", started.uri() + "/api");
        }
        default -> throw new IllegalArgumentException("recording: off, on or server");
      }
      sluice = builder.build();
      flow = SluiceSubject.flow(Dag.Shape.LAYERED.of(10_000), Bodies.work(1_000));
    }

    @Benchmark
    public void run(Cpu cpu) {
      long before = Cpu.processCpuNanos();
      FlowRun run = sluice.run(flow);
      cpu.cpuMillis += (Cpu.processCpuNanos() - before) / 1e6;
      cpu.runs++;
      if (!run.state().isCompleted()) {
        throw new IllegalStateException("the benchmark flow ended " + run.state());
      }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      sluice.close();
      if (server != null) {
        server.close();
      }
      if (serverStore != null) {
        serverStore.close();
      }
      delete(dir);
    }
  }

  /**
   * The CPU time the whole process (task threads, the store's writer, JIT, GC) spent per iteration,
   * and the runs it made: {@code cpuMillis / runs} is the CPU cost of one run, a figure other
   * processes on a busy machine disturb far less than the wall time.
   */
  @org.openjdk.jmh.annotations.State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Cpu {
    public double cpuMillis;
    public long runs;

    @Setup(Level.Iteration)
    public void reset() {
      cpuMillis = 0;
      runs = 0;
    }

    static long processCpuNanos() {
      return ((com.sun.management.OperatingSystemMXBean)
              java.lang.management.ManagementFactory.getOperatingSystemMXBean())
          .getProcessCpuTime();
    }
  }

  static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
