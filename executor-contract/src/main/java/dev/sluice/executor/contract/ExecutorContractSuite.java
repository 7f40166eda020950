package dev.sluice.executor.contract;

import static dev.sluice.executor.contract.ExecutorFeature.RUNS_ATTEMPTS_IN_PARALLEL;
import static dev.sluice.executor.contract.ExecutorFeature.RUNS_ATTEMPTS_IN_THIS_JVM;
import static dev.sluice.executor.contract.ExecutorFeature.RUNS_ATTEMPTS_IN_WORKER_PROCESSES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sluice;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;

/**
 * What every Sluice executor must do, as a JUnit 5 test suite: the executor contract. An executor
 * module runs it against itself by subclassing it in its tests, saying how to build a {@link
 * Sluice} on that executor and declaring the executor's {@link ExecutorFeature features}, the way
 * {@code guava-testlib}'s conformance suites are run.
 *
 * {@snippet :
 * class ThreadPoolContractTest extends ExecutorContractSuite {
 *   @Override
 *   protected Sluice.Builder sluice() {
 *     return Sluice.builder().executor("threadpool").setting("executor.parallelism", "4");
 *   }
 *
 *   @Override
 *   protected int parallelism() {
 *     return 4;
 *   }
 *
 *   @Override
 *   protected Set<ExecutorFeature> features() {
 *     return EnumSet.of(RUNS_ATTEMPTS_IN_PARALLEL, RUNS_ATTEMPTS_IN_THIS_JVM);
 *   }
 * }
 * }
 *
 * <p>The suite is a set of small testers, one per topic — dependencies, failures, the flow's final
 * state, retries, timeouts, cancellation, parallelism, concurrency limits, map steps, sub-flows,
 * hooks and listeners, wide fan-outs, nested runs — each a {@link Nested @Nested} class of this one
 * (so Surefire runs and counts them with the subclass). Each test states one rule of {@code
 * docs/semantics.md} as assertions on behaviour: final states, attempt counts, which tasks ran and
 * in what order, results and state histories. A test that needs a feature the executor lacks is
 * reported as skipped, with the feature it needs.
 *
 * <p>The same tests run against executors that run attempts in this JVM and against those that run
 * them elsewhere (worker processes): the flows come from an entrypoint, {@link ContractFlows},
 * which a worker rebuilds, and tasks report what they observe through a {@link Probe} (files in a
 * directory per test) rather than through the test's memory.
 *
 * <p>A subclass that must skip a test (say, for a known bug) names it in {@link #suppressed()}.
 */
public abstract class ExecutorContractSuite {

  /** For subclasses. */
  protected ExecutorContractSuite() {}

  /**
   * A new builder, already set to the executor under test (by name or instance, with its settings).
   * Called once or more per test; the suite adds concurrency limits, listeners or {@code
   * retainResults()} to it, builds it, and closes what it built after the test.
   */
  protected abstract Sluice.Builder sluice();

  /**
   * How many attempts the executor under test runs at once at most, as configured by {@link
   * #sluice()}: 1 for an executor that runs one attempt at a time (the local executor). Tests of
   * bounds check that no more than this many run at once, and that this many can.
   */
  protected abstract int parallelism();

  /**
   * What the executor under test supports and how it behaves: {@link
   * ExecutorFeature#RUNS_ATTEMPTS_IN_PARALLEL} exactly when {@link #parallelism()} is above 1, and
   * one of {@link ExecutorFeature#RUNS_ATTEMPTS_IN_THIS_JVM} and {@link
   * ExecutorFeature#RUNS_ATTEMPTS_IN_WORKER_PROCESSES}.
   */
  protected abstract Set<ExecutorFeature> features();

  /**
   * The timeout of the contract's tasks that must time out (they block) or must not (they return at
   * once, as the retry of a timed-out task does); some use half of it. Short, to keep the suite
   * quick, but long enough that an attempt that returns at once ends within it on the executor
   * under test, counting what the executor does once the attempt is Running. 100 ms by default. An
   * executor whose first call in a fresh worker process loads the flow's entrypoint and classes
   * there needs more: the subprocess executor uses 500 ms. With {@link
   * ExecutorFeature#RUNS_ATTEMPTS_IN_WORKER_PROCESSES} it must be one of the timeouts the
   * contract's flows are listed for (100 or 500 ms).
   */
  protected Duration timeout() {
    return Duration.ofMillis(100);
  }

  /**
   * Tests this executor skips, by method name, with the reason (a known bug, say): each is reported
   * as skipped with it. None by default.
   */
  protected Map<String, String> suppressed() {
    return Map.of();
  }

  /**
   * Fails the test when the declared features do not fit the rest of the declaration, so that an
   * executor cannot skip tests it should pass by leaving a feature out.
   */
  final void checkDeclaredFeatures() {
    Set<ExecutorFeature> features = features();
    assertThat(parallelism()).as("parallelism()").isPositive();
    assertThat(features.contains(RUNS_ATTEMPTS_IN_PARALLEL))
        .as(
            "whether features() has RUNS_ATTEMPTS_IN_PARALLEL, with parallelism() %d",
            parallelism())
        .isEqualTo(parallelism() > 1);
    assertThat(features.contains(RUNS_ATTEMPTS_IN_THIS_JVM))
        .as(
            "features() %s: an executor runs task code either in this JVM or in worker processes,"
                + " so it has exactly one of RUNS_ATTEMPTS_IN_THIS_JVM and"
                + " RUNS_ATTEMPTS_IN_WORKER_PROCESSES",
            features)
        .isNotEqualTo(features.contains(RUNS_ATTEMPTS_IN_WORKER_PROCESSES));
    if (features.contains(RUNS_ATTEMPTS_IN_WORKER_PROCESSES)) {
      assertThat(parallelism())
          .as(
              "parallelism() of an executor whose tasks run in worker processes: the contract's"
                  + " flow families are listed for widths 1 to %d only; raise"
                  + " FlowFamily.LISTED_WIDTHS or test with fewer workers",
              FlowFamily.LISTED_WIDTHS)
          .isLessThanOrEqualTo(FlowFamily.LISTED_WIDTHS);
      assertThat(timeout())
          .as(
              "timeout() of an executor whose tasks run in worker processes: the contract's timed"
                  + " flows are listed for these timeouts only; add yours to"
                  + " FlowFamily.LISTED_TIMEOUTS")
          .isIn(FlowFamily.LISTED_TIMEOUTS);
    }
  }

  // ---- the testers, one per topic. Each is a small class beside its flows; these inner classes
  // only bind it to the executor under test, so JUnit runs it with the subclass.

  /** {@link DependencyTester}. */
  @Nested
  class Dependencies extends DependencyTester {
    Dependencies() {
      super(ExecutorContractSuite.this);
    }
  }

  /** {@link WideFanOutTester}. */
  @Nested
  class WideFanOut extends WideFanOutTester {
    WideFanOut() {
      super(ExecutorContractSuite.this);
    }
  }

  /** {@link ParallelismTester}. */
  @Nested
  class Parallelism extends ParallelismTester {
    Parallelism() {
      super(ExecutorContractSuite.this);
    }
  }

  /** {@link NestedRunTester}. */
  @Nested
  class NestedRuns extends NestedRunTester {
    NestedRuns() {
      super(ExecutorContractSuite.this);
    }
  }

  /** {@link FailureTester}. */
  @Nested
  class Failures extends FailureTester {
    Failures() {
      super(ExecutorContractSuite.this);
    }
  }

  /** {@link FinalStateTester}. */
  @Nested
  class FinalStates extends FinalStateTester {
    FinalStates() {
      super(ExecutorContractSuite.this);
    }
  }

  /** {@link RetryTester}. */
  @Nested
  class Retries extends RetryTester {
    Retries() {
      super(ExecutorContractSuite.this);
    }
  }

  /** {@link TimeoutTester}. */
  @Nested
  class Timeouts extends TimeoutTester {
    Timeouts() {
      super(ExecutorContractSuite.this);
    }
  }

  /** {@link CancellationTester}. */
  @Nested
  class Cancellation extends CancellationTester {
    Cancellation() {
      super(ExecutorContractSuite.this);
    }
  }

  /** {@link ConcurrencyLimitTester}. */
  @Nested
  class ConcurrencyLimits extends ConcurrencyLimitTester {
    ConcurrencyLimits() {
      super(ExecutorContractSuite.this);
    }
  }

  /** {@link ListenerTester}. */
  @Nested
  class Listeners extends ListenerTester {
    Listeners() {
      super(ExecutorContractSuite.this);
    }
  }

  /** {@link MapStepTester}. */
  @Nested
  class MapSteps extends MapStepTester {
    MapSteps() {
      super(ExecutorContractSuite.this);
    }
  }

  /** {@link SubflowTester}. */
  @Nested
  class Subflows extends SubflowTester {
    Subflows() {
      super(ExecutorContractSuite.this);
    }
  }
}
