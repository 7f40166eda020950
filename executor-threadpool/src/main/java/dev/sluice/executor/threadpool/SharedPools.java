package dev.sluice.executor.threadpool;

import dev.sluice.api.executor.TaskExecutor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The process-wide pools behind {@code shared=true}, one per mode and parallelism. */
final class SharedPools {
  private static final Map<String, TaskExecutor> POOLS = new ConcurrentHashMap<>();

  private SharedPools() {}

  static TaskExecutor get(boolean virtual, int parallelism) {
    return POOLS.computeIfAbsent(
        (virtual ? "virtual:" : "platform:") + parallelism,
        key ->
            virtual
                ? new VirtualThreadExecutor(parallelism, true)
                : new WorkStealingExecutor(parallelism, true));
  }
}
