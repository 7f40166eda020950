package dev.sluice.engine.internal;

import dagger.Module;
import dagger.Provides;
import dev.sluice.api.RunListener;
import dev.sluice.api.executor.TaskExecutor;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** How the engine's parts are made from the configuration. */
@Module
interface EngineModule {

  @Provides
  @Singleton
  static Settings settings(EngineConfiguration configuration) {
    return Settings.load(configuration.settings());
  }

  @Provides
  @Singleton
  static TaskExecutor executor(EngineConfiguration configuration, Settings settings) {
    TaskExecutor given = configuration.executor();
    if (given != null) {
      return given;
    }
    return ExecutorSelector.select(
        configuration.executorName(), settings, Thread.currentThread().getContextClassLoader());
  }

  @Provides
  @Singleton
  static Listeners listeners(EngineConfiguration configuration, Recording recording) {
    List<RunListener> all = new ArrayList<>(configuration.listeners());
    if (configuration.discoverListeners()) {
      ServiceLoader.load(RunListener.class).forEach(all::add);
    }
    if (recording.active()) {
      all.add(recording);
    }
    return new Listeners(all);
  }

  @Provides
  @Singleton
  static Recording recording(Settings settings) {
    return Recording.open(settings, Thread.currentThread().getContextClassLoader());
  }

  @Provides
  @Singleton
  static ConcurrencyLimits limits(EngineConfiguration configuration, Settings settings) {
    Map<String, Integer> limits = new TreeMap<>();
    settings
        .withPrefix("concurrency")
        .forEach(
            (tag, value) -> {
              try {
                limits.put(tag, Integer.parseInt(value.strip()));
              } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                    "setting 'concurrency."
                        + tag
                        + "' must be a whole number of slots, was '"
                        + value
                        + "'",
                    e);
              }
            });
    limits.putAll(configuration.concurrencyLimits());
    Duration grace =
        settings
            .get("concurrency-grace")
            .map(EngineModule::duration)
            .orElse(ConcurrencyLimits.DEFAULT_GRACE);
    return new ConcurrencyLimits(limits, grace);
  }

  /** A duration setting: ISO-8601 ({@code PT5S}) or milliseconds. */
  private static Duration duration(String value) {
    try {
      return value.strip().startsWith("P") || value.strip().startsWith("p")
          ? Duration.parse(value.strip())
          : Duration.ofMillis(Long.parseLong(value.strip()));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "setting 'concurrency-grace' must be a duration such as PT5S or a number of"
              + " milliseconds, was '"
              + value
              + "'",
          e);
    }
  }

  @Provides
  @Singleton
  static TaskCaching caching(Settings settings, EngineConfiguration configuration) {
    return new TaskCaching(TaskCaching.settings(settings), configuration.clock());
  }

  @Provides
  static InstantSource clock(EngineConfiguration configuration) {
    return configuration.clock();
  }
}
