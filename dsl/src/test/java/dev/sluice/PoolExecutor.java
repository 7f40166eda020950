package dev.sluice;

import dev.sluice.api.executor.Attempt;
import dev.sluice.api.executor.TaskExecutor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A plain fixed thread pool behind the executor SPI, so DSL tests can exercise concurrency before
 * the thread-pool executor module exists. Test code, not a stand-in for one of ours.
 */
class PoolExecutor implements TaskExecutor {
  private final ExecutorService pool;

  PoolExecutor(int threads) {
    pool = Executors.newFixedThreadPool(threads);
  }

  @Override
  public String name() {
    return "test-pool";
  }

  @Override
  public void execute(Attempt attempt) {
    try {
      pool.execute(attempt);
    } catch (RejectedExecutionException e) {
      attempt.reject(e);
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
