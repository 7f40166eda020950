package dev.sluice.executor.threadpool;

import com.google.auto.service.AutoService;
import dev.sluice.api.executor.ExecutorProvider;
import dev.sluice.api.executor.ExecutorSettings;
import dev.sluice.api.executor.TaskExecutor;
import java.util.Locale;

/**
 * Provides the {@code threadpool} executor. Settings (keys under {@code sluice.executor.}, e.g.
 * {@code -Dsluice.executor.threads=virtual} or {@code SLUICE_EXECUTOR_PARALLELISM=8}):
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
    String threads = settings.get("threads").orElse("platform").strip().toLowerCase(Locale.ROOT);
    boolean virtual =
        switch (threads) {
          case "platform" -> false;
          case "virtual" -> true;
          default ->
              throw new IllegalArgumentException(
                  "executor setting 'threads' must be 'platform' or 'virtual', was '"
                      + threads
                      + "'");
        };
    int parallelism =
        settings.positiveInt(
            "parallelism",
            virtual ? DEFAULT_VIRTUAL_PARALLELISM : Runtime.getRuntime().availableProcessors());
    boolean shared = settings.bool("shared", false);
    return shared
        ? SharedPools.get(virtual, parallelism)
        : virtual
            ? new VirtualThreadExecutor(parallelism, false)
            : new WorkStealingExecutor(parallelism, false);
  }
}
