package dev.sluice.engine;

import dagger.Module;
import dagger.Provides;
import dev.sluice.api.RunListener;
import dev.sluice.api.executor.TaskExecutor;
import jakarta.inject.Singleton;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

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
  static Listeners listeners(EngineConfiguration configuration) {
    List<RunListener> all = new ArrayList<>(configuration.listeners());
    if (configuration.discoverListeners()) {
      ServiceLoader.load(RunListener.class).forEach(all::add);
    }
    return new Listeners(all);
  }

  @Provides
  static InstantSource clock(EngineConfiguration configuration) {
    return configuration.clock();
  }
}
