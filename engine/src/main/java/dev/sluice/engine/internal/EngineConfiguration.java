package dev.sluice.engine.internal;

import dev.sluice.api.RunListener;
import dev.sluice.api.executor.TaskExecutor;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the {@code Sluice} builder collected, handed to {@link EngineComponent}.
 *
 * @param executorName the executor to use, by name; null to use settings or the default
 * @param executor an executor instance to use (wins over the name); null for none
 * @param listeners listeners registered in code
 * @param discoverListeners whether to add the listeners {@link java.util.ServiceLoader} finds
 * @param clock the wall clock for run timestamps
 * @param settings settings given in code (highest precedence), keys without {@code sluice.}
 * @param retainResults whether every step's result is kept for the run record instead of being
 *     released once its consumers have it
 * @param concurrencyLimits the most attempts that may run at once per tag, across all runs
 */
public record EngineConfiguration(
    @Nullable String executorName,
    @Nullable TaskExecutor executor,
    List<RunListener> listeners,
    boolean discoverListeners,
    InstantSource clock,
    Map<String, String> settings,
    boolean retainResults,
    Map<String, Integer> concurrencyLimits) {
  public EngineConfiguration {
    listeners = List.copyOf(listeners);
    Objects.requireNonNull(clock, "clock");
    settings = Map.copyOf(settings);
    concurrencyLimits = Map.copyOf(concurrencyLimits);
  }

  /** A configuration without concurrency limits. */
  public EngineConfiguration(
      @Nullable String executorName,
      @Nullable TaskExecutor executor,
      List<RunListener> listeners,
      boolean discoverListeners,
      InstantSource clock,
      Map<String, String> settings,
      boolean retainResults) {
    this(
        executorName,
        executor,
        listeners,
        discoverListeners,
        clock,
        settings,
        retainResults,
        Map.of());
  }

  /** Defaults: executor from settings, no listeners, system clock. */
  public static EngineConfiguration defaults() {
    return new EngineConfiguration(
        null, null, List.of(), true, InstantSource.system(), Map.of(), false, Map.of());
  }
}
