package dev.sluice.executor.threadpool;

import dev.sluice.Sluice;
import dev.sluice.executor.contract.ExecutorContract;

/**
 * The executor contract, run against the thread-pool executor in its virtual-thread mode, with its
 * default parallelism.
 */
class VirtualThreadContractTest extends ExecutorContract {

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
}
