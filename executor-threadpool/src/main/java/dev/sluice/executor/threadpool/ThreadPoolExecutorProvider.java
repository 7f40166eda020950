package dev.sluice.executor.threadpool;

import com.google.auto.service.AutoService;
import dev.sluice.api.executor.ExecutorProvider;
import dev.sluice.api.executor.ExecutorSettings;
import dev.sluice.api.executor.TaskExecutor;

/**
 * Provides the {@code threadpool} executor. Settings ({@link ThreadPoolSettings}, e.g. {@code
 * -Dsluice.executor.threads=virtual} or {@code SLUICE_EXECUTOR_PARALLELISM=8}):
 *
 * <ul>
 *   <li>{@code threads}: {@code platform} (default) or {@code virtual};
 *   <li>{@code parallelism}: the most attempts running at once; default the number of processors
 *       for platform threads, 256 for virtual threads;
 *   <li>{@code shared}: {@code true} to share one pool between all Sluice instances of the process
 *       with the same settings (it is then never shut down); default {@code false}, a pool per
 *       instance, shut down when the instance closes.
 * </ul>
 */
@AutoService(ExecutorProvider.class)
public final class ThreadPoolExecutorProvider implements ExecutorProvider {
  /** The name the thread-pool executor is selected by. */
  public static final String NAME = "threadpool";

  /** Default parallelism of the virtual-thread mode. */
  static final int DEFAULT_VIRTUAL_PARALLELISM = 256;

  /** For {@link java.util.ServiceLoader}. */
  public ThreadPoolExecutorProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  /** Preferred over the local executor when both are present. */
  @Override
  public int priority() {
    return 10;
  }

  @Override
  public TaskExecutor create(ExecutorSettings settings) {
    boolean virtual = settings.get(ThreadPoolSettings.THREADS).equals("virtual");
    int parallelism =
        settings
            .find(ThreadPoolSettings.PARALLELISM)
            .orElse(
                virtual ? DEFAULT_VIRTUAL_PARALLELISM : Runtime.getRuntime().availableProcessors());
    boolean shared = settings.get(ThreadPoolSettings.SHARED);
    return shared
        ? SharedPools.get(virtual, parallelism)
        : virtual
            ? new VirtualThreadExecutor(parallelism, false)
            : new WorkStealingExecutor(parallelism, false);
  }
}
