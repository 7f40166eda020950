package dev.sluice.executor.threadpool;

import dev.sluice.Sluice;
import dev.sluice.executor.contract.ExecutorContract;

/** The executor contract, run against the thread-pool executor on 4 platform threads. */
class ThreadPoolContractTest extends ExecutorContract {
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
}
