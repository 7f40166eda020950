package dev.sluice.engine.internal;

import dagger.Module;
import dagger.Provides;
import dev.sluice.api.RunListener;
import dev.sluice.api.executor.TaskExecutor;
import dev.sluice.api.settings.Settings;
import jakarta.inject.Singleton;
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
    Map<String, Integer> limits = new TreeMap<>(settings.all(EngineSettings.CONCURRENCY));
    limits.putAll(configuration.concurrencyLimits());
    return new ConcurrencyLimits(limits, settings.get(EngineSettings.CONCURRENCY_GRACE));
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
