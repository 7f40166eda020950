package dev.sluice.executor.contract;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What an executor under the {@link ExecutorContractSuite contract} supports or how it behaves, as
 * declared by its suite's {@link ExecutorContractSuite#features()}, the way {@code guava-testlib}'s
 * collection features are. A test of the contract that needs a feature says so with {@link
 * Require}; it is reported as skipped, with the feature it needs, for an executor that lacks it.
 * Where an executor may behave one of two ways, a test checks the way its features declare.
 *
 * <p>An executor declares exactly one of {@link #RUNS_ATTEMPTS_IN_THIS_JVM} and {@link
 * #RUNS_ATTEMPTS_IN_WORKER_PROCESSES}, and {@link #RUNS_ATTEMPTS_IN_PARALLEL} exactly when its
 * {@link ExecutorContractSuite#parallelism()} is above 1; the suite fails every test of an executor
 * that declares otherwise.
 */
public enum ExecutorFeature {
  /**
   * Runs several attempts side by side. Tests that need attempts to overlap (a task blocking while
   * others run, holders of a concurrency slot waiting for each other) require it; an executor that
   * runs one attempt at a time (the local executor) lacks it.
   */
  RUNS_ATTEMPTS_IN_PARALLEL("runs attempts in parallel"),

  /**
   * Runs task code in this JVM, on its threads. Task code can then reach the test's objects (a task
   * may run another flow on the test's {@code Sluice}); a timed-out or cancelled attempt is stopped
   * by an interrupt of its thread; an {@link Error} is thrown in a JVM that stays alive, so it ends
   * its attempt and nothing else.
   */
  RUNS_ATTEMPTS_IN_THIS_JVM("runs task code in the test's JVM"),

  /**
   * Runs task code in other JVMs (worker processes) that rebuild the flow from its entrypoint and
   * get their inputs as JSON. Such an executor may stop an attempt by ending its process, and a JVM
   * out of memory ends its worker: a worker death, retried like a failure. Only the flows the
   * entrypoint lists can run there, so the suite's {@link ExecutorContractSuite#parallelism()} and
   * {@link ExecutorContractSuite#timeout()} must be among the widths and timeouts the contract's
   * flows are listed for ({@link FlowFamily#LISTED_WIDTHS}, {@link FlowFamily#LISTED_TIMEOUTS}).
   */
  RUNS_ATTEMPTS_IN_WORKER_PROCESSES("runs task code in worker processes");

  private final String description;

  ExecutorFeature(String description) {
    this.description = description;
  }

  /** What an executor with this feature does, for the message of a skipped test. */
  String description() {
    return description;
  }

  /**
   * The features a test of the contract needs, on its method or its tester class (which then needs
   * them for all its tests). The test is skipped, saying which feature is missing, when the
   * executor under test does not declare them all.
   */
  @Documented
  @Inherited
  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.TYPE, ElementType.METHOD})
  @interface Require {
    /** The features the test needs. */
    ExecutorFeature[] value();
  }
}
