package dev.sluice.executor.threadpool;

import static dev.sluice.executor.contract.ExecutorFeature.RUNS_ATTEMPTS_IN_PARALLEL;
import static dev.sluice.executor.contract.ExecutorFeature.RUNS_ATTEMPTS_IN_THIS_JVM;

import dev.sluice.Sluice;
import dev.sluice.executor.contract.ExecutorContractSuite;
import dev.sluice.executor.contract.ExecutorFeature;
import java.util.EnumSet;
import java.util.Set;

/**
 * The executor contract, run against the thread-pool executor in its virtual-thread mode, with its
 * default parallelism.
 */
class VirtualThreadContractTest extends ExecutorContractSuite {

  @Override
  protected Sluice.Builder sluice() {
    return Sluice.builder()
        .executor(ThreadPoolExecutorProvider.NAME)
        .setting("executor.threads", "virtual");
  }

  @Override
  protected int parallelism() {
    return ThreadPoolExecutorProvider.DEFAULT_VIRTUAL_PARALLELISM;
  }

  @Override
  protected Set<ExecutorFeature> features() {
    return EnumSet.of(RUNS_ATTEMPTS_IN_PARALLEL, RUNS_ATTEMPTS_IN_THIS_JVM);
  }
}
