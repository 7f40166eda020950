package dev.sluice;

import dev.sluice.api.executor.ExecutorProvider;
import dev.sluice.api.executor.ExecutorSettings;
import dev.sluice.api.executor.TaskExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor {@code counting} for tests: a {@link PoolExecutor} of one thread whose creations and
 * closes are counted, so a test can see that what a failed build made was closed again.
 */
public final class CountingExecutorProvider implements ExecutorProvider {
  static final AtomicInteger CREATED = new AtomicInteger();
  static final AtomicInteger CLOSED = new AtomicInteger();

  @Override
  public String name() {
    return "counting";
  }

  /** Never chosen unless named: the tests that pick the best executor expect {@code local}. */
  @Override
  public int priority() {
    return Integer.MIN_VALUE;
  }

  @Override
  public TaskExecutor create(ExecutorSettings settings) {
    CREATED.incrementAndGet();
    return new PoolExecutor(1) {
      @Override
      public void close() {
        CLOSED.incrementAndGet();
        super.close();
      }
    };
  }
}
