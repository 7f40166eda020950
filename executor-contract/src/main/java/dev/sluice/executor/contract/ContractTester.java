package dev.sluice.executor.contract;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.TaskRun;
import java.lang.reflect.AnnotatedElement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * What the testers of the contract share: the executor under test (its {@link ExecutorContractSuite
 * suite}), each test's {@link Probe}, the Sluices a test opens (closed after it), the skipping of
 * tests whose {@link ExecutorFeature.Require required features} the executor lacks, and the waits
 * and look-ups the tests use.
 *
 * <p>No test asserts how long anything takes. Every wait is bounded — futures and probe counts by
 * {@link #WAIT_SECONDS}, each test by {@link Timeout @Timeout} in a separate thread — so a broken
 * executor fails the suite instead of hanging the build.
 */
@Timeout(value = 60, unit = SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class ContractTester {

  /**
   * How long a test waits for something that should happen promptly (a task to start, a run to
   * end). Reached only when the executor under test is broken, so it is generous.
   */
  static final long WAIT_SECONDS = Probe.WAIT_SECONDS;

  private final ExecutorContractSuite suite;
  private final List<Sluice> opened = Collections.synchronizedList(new ArrayList<>());

  /** Where this test's tasks report; the flow parameter {@code probe} of every contract flow. */
  Probe probe;

  ContractTester(ExecutorContractSuite suite) {
    this.suite = suite;
  }

  @BeforeEach
  final void skipOrCreateProbe(TestInfo test) {
    suite.checkDeclaredFeatures();
    Set<ExecutorFeature> missing = EnumSet.noneOf(ExecutorFeature.class);
    test.getTestMethod().ifPresent(method -> missing.addAll(required(method)));
    for (Class<?> c = getClass(); c != null; c = c.getSuperclass()) {
      missing.addAll(required(c));
    }
    missing.removeAll(suite.features());
    assumeTrue(
        missing.isEmpty(),
        () ->
            "needs an executor that "
                + String.join(" and ", missing.stream().map(ExecutorFeature::description).toList())
                + " "
                + missing
                + "; "
                + suite.getClass().getSimpleName()
                + " declares "
                + suite.features());
    String method = test.getTestMethod().map(m -> m.getName()).orElse("");
    String reason = suite.suppressed().get(method);
    assumeTrue(
        reason == null, () -> "suppressed by " + suite.getClass().getSimpleName() + ": " + reason);
    probe = Probe.create();
  }

  private static List<ExecutorFeature> required(AnnotatedElement element) {
    ExecutorFeature.Require require = element.getDeclaredAnnotation(ExecutorFeature.Require.class);
    return require == null ? List.of() : List.of(require.value());
  }

  @AfterEach
  @Timeout(value = 60, unit = SECONDS)
  final void closeSluices() {
    synchronized (opened) {
      for (Sluice sluice : opened) {
        sluice.close();
      }
      opened.clear();
    }
    if (probe != null) {
      probe.delete();
    }
  }

  // ---- the executor under test

  /** Whether the executor under test declares {@code feature}. */
  final boolean has(ExecutorFeature feature) {
    return suite.features().contains(feature);
  }

  /** See {@link ExecutorContractSuite#parallelism()}. */
  final int parallelism() {
    return suite.parallelism();
  }

  /** See {@link ExecutorContractSuite#timeout()}. */
  final Duration timeout() {
    return suite.timeout();
  }

  final Duration halfTimeout() {
    return timeout().dividedBy(2);
  }

  /** A Sluice on the executor under test, closed after the test. */
  final Sluice open() {
    return open(builder -> builder);
  }

  /**
   * A Sluice on the executor under test with what {@code configure} adds, closed after the test.
   */
  final Sluice open(UnaryOperator<Sluice.Builder> configure) {
    Sluice sluice = configure.apply(suite.sluice()).build();
    opened.add(sluice);
    return sluice;
  }

  // ---- running and waiting

  /** The parameters of a contract flow: this test's probe. */
  final Map<String, Object> probed() {
    return Map.of("probe", probe);
  }

  /**
   * Runs {@code flow} with {@link Sluice#run} on a thread of its own, so the test thread stays free
   * to wait with a bound, to cancel, or to release a task. (With the local executor the run's
   * attempts execute on that thread.)
   */
  final CompletableFuture<FlowRun> runOnAnotherThread(Sluice sluice, Flow<?> flow) {
    return runOnAnotherThread(sluice, flow, probed());
  }

  /** {@link #runOnAnotherThread(Sluice, Flow)} with parameters. */
  static CompletableFuture<FlowRun> runOnAnotherThread(
      Sluice sluice, Flow<?> flow, Map<String, ?> parameters) {
    CompletableFuture<FlowRun> result = new CompletableFuture<>();
    Thread runner =
        new Thread(
            () -> {
              try {
                result.complete(sluice.run(flow, parameters));
              } catch (Throwable t) {
                result.completeExceptionally(t);
              }
            },
            "contract-run-" + flow.name());
    runner.setDaemon(true);
    runner.start();
    return result;
  }

  /** Waits for {@code future}, failing the test if it does not complete in time. */
  static <T> T await(CompletableFuture<T> future, String what) throws Exception {
    try {
      return future.get(WAIT_SECONDS, SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(what + " did not happen within " + WAIT_SECONDS + " s", e);
    }
  }

  /** Waits in the test until the probe's counter {@code name} reaches {@code n}. */
  final void await(String name, int n, String what) throws Exception {
    try {
      probe.await(name, n, what);
    } catch (IllegalStateException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  // ---- look-ups

  static TaskRun task(FlowRun run, String name) {
    return run.taskRun(name).orElseThrow(() -> new AssertionError("no task run '" + name + "'"));
  }

  static List<String> stateNames(TaskRun task) {
    return task.history().stream().map(change -> change.state().name()).toList();
  }
}
