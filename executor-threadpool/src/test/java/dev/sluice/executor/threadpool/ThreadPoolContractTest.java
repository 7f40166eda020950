package dev.sluice.executor.threadpool;

import static dev.sluice.executor.contract.ExecutorFeature.RUNS_ATTEMPTS_IN_PARALLEL;
import static dev.sluice.executor.contract.ExecutorFeature.RUNS_ATTEMPTS_IN_THIS_JVM;

import dev.sluice.Sluice;
import dev.sluice.executor.contract.ExecutorContractSuite;
import dev.sluice.executor.contract.ExecutorFeature;
import java.util.EnumSet;
import java.util.Set;

/** The executor contract, run against the thread-pool executor on 4 platform threads. */
class ThreadPoolContractTest extends ExecutorContractSuite {
  private static final int PARALLELISM = 4;

  @Override
  protected Sluice.Builder sluice() {
    return Sluice.builder()
        .executor(ThreadPoolExecutorProvider.NAME)
        .setting("executor.parallelism", String.valueOf(PARALLELISM));
  }

  @Override
  protected int parallelism() {
    return PARALLELISM;
  }

  @Override
  protected Set<ExecutorFeature> features() {
    return EnumSet.of(RUNS_ATTEMPTS_IN_PARALLEL, RUNS_ATTEMPTS_IN_THIS_JVM);
  }
}
