package dev.sluice.executor.contract;

import static dev.sluice.executor.contract.ExecutorFeature.RUNS_ATTEMPTS_IN_THIS_JVM;

import dev.sluice.Sluice;
import java.util.EnumSet;
import java.util.Set;

/**
 * The executor contract, run against the local executor: one attempt at a time, on the thread that
 * runs the flow.
 *
 * <p>It lives here rather than in {@code executor-local} because the dependencies would form a
 * cycle: the engine's tests depend on {@code executor-local}, so {@code executor-local} depending
 * (even for tests) on this module, which depends on {@code sluice-dsl} and so on {@code
 * sluice-engine}, would make {@code executor-local -> executor-contract -> dsl -> engine ->
 * executor-local}.
 */
class LocalExecutorContractTest extends ExecutorContractSuite {

  @Override
  protected Sluice.Builder sluice() {
    return Sluice.builder().executor("local");
  }

  @Override
  protected int parallelism() {
    return 1;
  }

  @Override
  protected Set<ExecutorFeature> features() {
    return EnumSet.of(RUNS_ATTEMPTS_IN_THIS_JVM);
  }
}
