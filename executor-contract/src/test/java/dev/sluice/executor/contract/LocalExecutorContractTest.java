package dev.sluice.executor.contract;

import dev.sluice.Sluice;

/**
 * The executor contract, run against the local executor.
 *
 * <p>It lives here rather than in {@code executor-local} because the dependencies would form a
 * cycle: the engine's tests depend on {@code executor-local}, so {@code executor-local} depending
 * (even for tests) on this module, which depends on {@code sluice-dsl} and so on {@code
 * sluice-engine}, would make {@code executor-local -> executor-contract -> dsl -> engine ->
 * executor-local}.
 */
class LocalExecutorContractTest extends ExecutorContract {

  @Override
  protected Sluice.Builder sluice() {
    return Sluice.builder().executor("local");
  }

  /** The local executor runs one attempt at a time, on the thread that runs the flow. */
  @Override
  protected int parallelism() {
    return 1;
  }
}
