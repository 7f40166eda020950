package dev.sluice.executor.subprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.Flows;
import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.NonRetryableException;
import dev.sluice.api.RunHandle;
import dev.sluice.api.RunListener;
import dev.sluice.api.State;
import dev.sluice.api.TaskRun;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.executor.AttemptCrashedException;
import dev.sluice.api.executor.ExecutorSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The subprocess executor against real worker JVMs: where tasks run, values on the wire, crashes
 * ({@code System.exit}, {@code kill -9}, out of memory), timeouts and cancellation killing workers,
 * logs coming back. One warm pool of two workers serves the tests of this class.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SubprocessExecutorTest {
  private static SubprocessExecutor executor;
  private final List<Sluice> opened = new ArrayList<>();
  @TempDir Path dir;

  @BeforeAll
  static void startPool() {
    executor =
        (SubprocessExecutor)
            new SubprocessExecutorProvider().create(new ExecutorSettings(Map.of("workers", "2")));
  }

  @AfterAll
  static void stopPool() {
    executor.close();
  }

  @AfterEach
  void closeSluices() {
    opened.forEach(Sluice::close);
  }

  private Sluice sluice(RunListener... listeners) {
    Sluice.Builder builder = Sluice.builder().executor(new Unclosed(executor)).retainResults();
    for (RunListener listener : listeners) {
      builder.listener(listener);
    }
    Sluice sluice = builder.build();
    opened.add(sluice);
    return sluice;
  }

  private Map<String, Object> inDir() {
    return Map.of("dir", dir.toString());
  }

  private static TaskRun task(FlowRun run, String name) {
    return run.taskRun(name).orElseThrow();
  }

  private static List<String> stateNames(TaskRun task) {
    return task.history().stream().map(c -> c.state().name()).toList();
  }

  /** Waits (bounded) for a task to write its pid to {@code dir/name}. */
  private long pidIn(String name) throws Exception {
    Path file = dir.resolve(name);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(file)) {
      assertThat(System.nanoTime()).as("%s written in time", file).isLessThan(deadline);
      Thread.sleep(10);
    }
    return Long.parseLong(Files.readString(file).strip());
  }

  /** Whether process {@code pid} is gone, waiting up to 10 s for it to go. */
  static boolean gone(long pid) throws Exception {
    var handle = ProcessHandle.of(pid);
    if (handle.isEmpty()) {
      return true;
    }
    try {
      handle.get().onExit().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    }
    return !handle.get().isAlive();
  }

  // ---- where tasks run, and what travels

  @Test
  void tasksRunInWorkerProcessesThatAreReused() {
    Sluice sluice = sluice();
    Set<String> results = new HashSet<>();

    for (int i = 0; i < 4; i++) {
      FlowRun run = sluice.run(TestFlows.WHERE);
      assertThat(run.state()).isEqualTo(State.COMPLETED);
      results.add((String) run.result());
    }

    assertThat(results).allSatisfy(r -> assertThat(r).endsWith(" true"));
    Set<Long> pids = new HashSet<>();
    results.forEach(r -> pids.add(Long.parseLong(r.split(" ")[0])));
    assertThat(pids)
        .doesNotContain(ProcessHandle.current().pid())
        .hasSizeLessThanOrEqualTo(2); // the pool's bound: warm workers served every run
    assertThat(executor.workers()).extracting(ProcessHandle::pid).containsAll(pids);
  }

  @Test
  void recordsListsMapsSubflowsAndOutcomesTravelWithTheirTypes() {
    FlowRun run = sluice().run(TestFlows.SHAPES, Map.of("word", "shapes"));

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo("shapes 28 fallback after java.io.IOException: source down");
    assertThat(run.result("points", List.class)).first().isInstanceOf(TestFlows.Point.class);
    assertThat(task(run, "y").elements())
        .hasSize(4)
        .allSatisfy(e -> assertThat(e.state()).isEqualTo(State.COMPLETED));
    assertThat(task(run, "child").subflowRun().orElseThrow().result()).isEqualTo(28);
    assertThat(task(run, "broken").state()).isInstanceOf(State.Failed.class);
  }

  @Test
  void theExecutorIsSelectableByNameAndAFlowCanNameItsEntrypoint() {
    try (Sluice sluice = Sluice.builder().executor("subprocess").build()) {
      assertThat(sluice.executor().name()).isEqualTo("subprocess");

      FlowRun run = sluice.run(NamedFlows.NAMED);

      assertThat(run.state()).isEqualTo(State.COMPLETED);
      assertThat(run.result()).isEqualTo("hello from true");
      FlowRun outer = sluice.run(NamedFlows.OUTER);
      assertThat(outer.state()).isEqualTo(State.COMPLETED);
      assertThat(outer.result())
          .isEqualTo(42); // the sub-flow's task ran through OUTER's entrypoint
    }
  }

  // ---- entrypoints

  @Test
  void aFlowWithoutEntrypointFailsBeforeAnythingStartsSayingHowToAddOne() {
    List<TaskRunEvent> heard = new ArrayList<>();
    Sluice sluice =
        sluice(
            new RunListener() {
              @Override
              public void onTaskRunStateChanged(TaskRunEvent event) {
                heard.add(event);
              }
            });
    Flow<Integer> inline = Flows.named("inline").returning(f -> f.task("one", () -> 1));

    assertThatThrownBy(() -> sluice.run(inline))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flow 'inline' has no entrypoint")
        .hasMessageContaining("dev.sluice.api.FlowProvider")
        .hasMessageContaining("Flows.named(\"inline\").entrypoint(MyFlows.class)")
        .hasMessageContaining("META-INF/services/dev.sluice.api.FlowProvider");
    assertThat(heard).isEmpty();
  }

  /** No entrypoint named and no provider: workers find it in this static field. */
  static final Flow<Long> UNNAMED =
      Flows.named("kept-in-a-field")
          .returning(f -> f.task("pid", () -> ProcessHandle.current().pid()));

  @Test
  void aFlowKeptInAStaticFieldRunsInAWorkerWithoutAnEntrypoint() {
    FlowRun run = sluice().run(UNNAMED);

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isNotEqualTo(ProcessHandle.current().pid());
  }

  @Test
  void aNamedEntrypointThatDoesNotProvideTheFlowIsReported() {
    Flow<Integer> stray =
        Flows.named("stray").entrypoint(NamedFlows.class).returning(f -> f.task("one", () -> 1));

    assertThatThrownBy(() -> sluice().run(stray))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flow 'stray' names the entrypoint " + NamedFlows.class.getName())
        .hasMessageContaining("no flow called 'stray' (it has [sub-named, sub-named-outer])");
  }

  // ---- failures on the wire

  @Test
  void aRemoteExceptionIsRethrownAsItsTypeSoTheRetryPolicyMatchesIt() {
    FlowRun flaky = sluice().run(TestFlows.FLAKY, inDir());
    FlowRun strict = sluice().run(TestFlows.ABORTS);

    assertThat(flaky.state()).isEqualTo(State.COMPLETED);
    assertThat(task(flaky, "flaky").attempts()).isEqualTo(3);
    assertThat(flaky.result()).isEqualTo("third time lucky");
    TaskRun aborted = task(strict, "strict");
    assertThat(aborted.attempts()).isEqualTo(1); // abortOn matched the remote type
    assertThat(aborted.state())
        .isInstanceOfSatisfying(
            State.Failed.class,
            failed -> {
              assertThat(failed.error())
                  .isExactlyInstanceOf(IllegalStateException.class)
                  .hasMessage("bad data");
              assertThat(failed.error().getStackTrace())
                  .anySatisfy(
                      f -> assertThat(f.getClassName()).startsWith(TestFlows.class.getName()));
            });
  }

  @Test
  void anInputThatCannotBeEncodedIsRefusedBeforeDispatchNamingTaskAndInput() {
    FlowRun run = sluice().run(TestFlows.TAKES_ANYTHING, Map.of("thing", new Object()));

    TaskRun use = task(run, "use");
    assertThat(use.attempts()).isEqualTo(1); // not retried, though it has 3 retries
    assertThat(use.state())
        .isInstanceOfSatisfying(
            State.Failed.class,
            failed ->
                assertThat(failed.error())
                    .isInstanceOf(NonRetryableException.class)
                    .hasMessageContaining("task 'use' of flow 'sub-takes-anything': input 0")
                    .hasMessageContaining("('thing') cannot be sent to a worker process")
                    .hasMessageContaining("java.lang.Object"));
  }

  @Test
  void aResultThatCannotBeEncodedFailsTheTaskSayingWhy() {
    FlowRun run = sluice().run(TestFlows.RETURNS_THREAD);

    assertThat(task(run, "thread").state())
        .isInstanceOfSatisfying(
            State.Failed.class,
            failed ->
                assertThat(failed.error())
                    .isInstanceOf(NonRetryableException.class)
                    .hasMessageContaining("the result of task 'thread' cannot be sent back"));
  }

  // ---- crashes

  @Test
  void aWorkerThatExitsCrashesTheAttemptWhichIsRetriedOnAFreshWorker() {
    FlowRun run = sluice().run(TestFlows.EXIT_ONCE, inDir());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    TaskRun exit = task(run, "exit-once");
    assertThat(exit.attempts()).isEqualTo(2);
    assertThat(stateNames(exit))
        .containsExactly("Pending", "Running", "AwaitingRetry", "Retrying", "Completed");
    assertThat((String) run.result()).startsWith("survived on ");
    assertThat(task(run, "bystander").state()).isEqualTo(State.COMPLETED);
  }

  @Test
  void aWorkerThatExitsWithoutRetriesLeftEndsTheTaskCrashed() {
    FlowRun run = sluice().run(TestFlows.EXIT_ALWAYS);

    assertThat(run.state()).isInstanceOf(State.Failed.class);
    assertThat(task(run, "exit").state())
        .isInstanceOfSatisfying(
            State.Crashed.class,
            crashed ->
                assertThat(crashed.error())
                    .isInstanceOf(AttemptCrashedException.class)
                    .hasMessageContaining("running attempt 1 of task 'exit' died: exit code 7"));
    // the pool replaced the dead worker: the next flow runs
    assertThat(sluice().run(TestFlows.WHERE).state()).isEqualTo(State.COMPLETED);
  }

  @Test
  void aWorkerKilledWithSigkillMidAttemptCrashesItAndTheRetryCompletes() throws Exception {
    Sluice sluice = sluice();
    RunHandle handle = sluice.start(TestFlows.SLEEP_ONCE, inDir());
    long pid = pidIn("pid");

    assertThat(ProcessHandle.of(pid).orElseThrow().destroyForcibly()).isTrue();
    FlowRun run = handle.await();

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo("woke");
    assertThat(task(run, "sleeper").attempts()).isEqualTo(2);
    assertThat(gone(pid)).isTrue();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (executor.workers().stream().anyMatch(w -> w.pid() == pid)
        && System.nanoTime() < deadline) {
      Thread.sleep(10); // the crashed attempt's thread retires the worker as it returns
    }
    assertThat(executor.workers()).extracting(ProcessHandle::pid).doesNotContain(pid);
  }

  @Test
  void aWorkerOutOfMemoryCrashesTheAttemptAndTheRetryCompletes() {
    var small =
        new SubprocessExecutorProvider()
            .create(new ExecutorSettings(Map.of("workers", "1", "jvmOptions", "-Xmx48m")));
    try (Sluice sluice = Sluice.builder().executor(small).build()) {
      FlowRun run = sluice.run(TestFlows.OOM_ONCE, inDir());

      assertThat(run.state()).isEqualTo(State.COMPLETED);
      assertThat(run.result()).isEqualTo("fits");
      assertThat(task(run, "hog").attempts()).isEqualTo(2);
    }
  }

  // ---- timeouts and cancellation kill workers

  @Test
  void aTimeoutKillsTheWorkerProcess() throws Exception {
    FlowRun run = sluice().run(TestFlows.TIMED, inDir());
    long pid = pidIn("slow");

    assertThat(task(run, "slow").state()).isInstanceOf(State.TimedOut.class);
    assertThat(gone(pid)).as("worker %d killed", pid).isTrue();
  }

  @Test
  void cancellingARunKillsTheWorkersRunningItsAttempts() throws Exception {
    Sluice sluice = sluice();
    RunHandle handle = sluice.start(TestFlows.SLEEPERS, inDir());
    long left = pidIn("left");
    long right = pidIn("right");

    assertThat(handle.cancel("enough")).isTrue();
    FlowRun run = handle.await();

    assertThat(run.state()).isEqualTo(new State.Cancelled("enough"));
    assertThat(run.taskRuns())
        .allSatisfy(t -> assertThat(t.state()).isEqualTo(new State.Cancelled("enough")));
    assertThat(left).isNotEqualTo(right);
    assertThat(gone(left)).as("worker %d killed", left).isTrue();
    assertThat(gone(right)).as("worker %d killed", right).isTrue();
  }

  // ---- logs

  @Test
  void whatATaskPrintsOrLogsInItsWorkerIsLoggedHereWithItsMdcKeys() {
    Logger logger = (Logger) LoggerFactory.getLogger("dev.sluice.worker");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      FlowRun run = sluice().run(TestFlows.TALKS);

      assertThat(run.state()).isEqualTo(State.COMPLETED);
      TaskRun talk = task(run, "talk");
      List<ILoggingEvent> lines =
          appender.list.stream()
              .filter(e -> e.getFormattedMessage().contains("hello from"))
              .toList();
      assertThat(lines)
          .extracting(e -> e.getLevel().toString() + " " + e.getFormattedMessage())
          .contains("INFO hello from stdout {}", "WARN hello from stderr")
          .anySatisfy(line -> assertThat(line).contains("talker").contains("hello from slf4j"));
      assertThat(lines)
          .allSatisfy(
              e ->
                  assertThat(e.getMDCPropertyMap())
                      .containsEntry("task_name", "talk")
                      .containsEntry("task_run_id", talk.id().toString())
                      .containsEntry("flow_run_id", run.id().toString()));
    } finally {
      logger.detachAppender(appender);
    }
  }

  // ---- the pool

  @Test
  void withFreshJvmEachAttemptGetsANewWorkerThatIsStoppedAfterIt() throws Exception {
    var fresh =
        (SubprocessExecutor)
            new SubprocessExecutorProvider()
                .create(new ExecutorSettings(Map.of("workers", "1", "freshJvm", "true")));
    try (Sluice sluice = Sluice.builder().executor(fresh).build()) {
      String first = (String) sluice.run(TestFlows.WHERE).result();
      String second = (String) sluice.run(TestFlows.WHERE).result();

      assertThat(first).isNotEqualTo(second);
      assertThat(gone(Long.parseLong(first.split(" ")[0]))).isTrue();
      // the last worker is stopped once its attempt's thread hands it back, just after the run
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!fresh.workers().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(fresh.workers()).isEmpty();
    }
  }

  @Test
  void aStepCanHaveItsOwnJvmOptionsWithinTheSameBoundOfWorkers() {
    var heaps =
        (SubprocessExecutor)
            new SubprocessExecutorProvider()
                .create(
                    new ExecutorSettings(
                        Map.of(
                            "workers", "1",
                            "jvmOptions", "-Xmx48m",
                            "jvmOptions.large", "-Xmx160m")));
    try (Sluice sluice = Sluice.builder().executor(heaps).build()) {
      for (int i = 0; i < 2; i++) {
        FlowRun run = sluice.run(TestFlows.HEAPS);

        assertThat(run.state()).isEqualTo(State.COMPLETED);
        String[] mib = ((String) run.result()).split(" ");
        assertThat(Long.parseLong(mib[0])).as("small").isBetween(40L, 48L);
        assertThat(Long.parseLong(mib[1])).as("large").isBetween(140L, 160L);
        assertThat(heaps.workers())
            .as("JVMs alive, bounded by workers")
            .hasSizeLessThanOrEqualTo(1);
      }
    }
  }

  @Test
  void aWorkerThatCannotStartCrashesTheAttemptSayingWhatItPrinted() {
    var broken =
        new SubprocessExecutorProvider()
            .create(new ExecutorSettings(Map.of("workers", "1", "classpath", dir.toString())));
    try (Sluice sluice = Sluice.builder().executor(broken).build()) {
      FlowRun run = sluice.run(TestFlows.WHERE);

      assertThat(task(run, "pid").state())
          .isInstanceOfSatisfying(
              State.Crashed.class,
              crashed ->
                  assertThat(crashed.error())
                      .isInstanceOf(AttemptCrashedException.class)
                      .hasMessageContaining("executor 'subprocess' could not run the attempt")
                      .cause()
                      .hasMessageContaining("could not start a worker JVM")
                      .hasMessageContaining("it exited with code 1")
                      .hasMessageContaining("Could not find or load main class"));
    }
  }

  @Test
  void closingTheExecutorLeavesNoWorkerBehind() throws Exception {
    var own =
        (SubprocessExecutor)
            new SubprocessExecutorProvider().create(new ExecutorSettings(Map.of("workers", "2")));
    List<ProcessHandle> workers;
    try (Sluice sluice = Sluice.builder().executor(own).build()) {
      RunHandle busy = sluice.start(TestFlows.SLEEPERS, inDir());
      pidIn("left");
      pidIn("right");
      workers = own.workers();
      assertThat(workers).hasSize(2);
      assertThat(busy.future()).isNotDone();
    }

    for (ProcessHandle worker : workers) {
      assertThat(gone(worker.pid())).as("worker %d gone", worker.pid()).isTrue();
    }
    assertThat(own.workers()).isEmpty();
  }
}
