package dev.sluice.engine.internal;

import dagger.BindsInstance;
import dagger.Component;
import dev.sluice.api.settings.Settings;
import jakarta.inject.Singleton;

/**
 * The engine's object graph — executor, timer, listeners, clock, settings — wired by Dagger from an
 * {@link EngineConfiguration}. {@code Sluice.builder()} is the user-facing way to create one.
 */
@Singleton
@Component(modules = EngineModule.class)
public interface EngineComponent {
  /** The engine of this graph. */
  Engine engine();

  /** Resolved settings. */
  Settings settings();

  /** Builds the graph for a configuration. */
  static EngineComponent create(EngineConfiguration configuration) {
    return DaggerEngineComponent.factory().create(configuration);
  }

  /** The executor of this graph (the configuration's, or the one selected by name). */
  dev.sluice.api.executor.TaskExecutor executor();

  /**
   * Builds the graph for a configuration and returns its engine. When building fails (a store that
   * cannot be opened, a listener that throws), an executor the graph made itself is closed again,
   * so no pool thread outlives the failure; an executor the caller passed in is the caller's and
   * stays open.
   */
  static Engine engine(EngineConfiguration configuration) {
    EngineComponent component = create(configuration);
    try {
      return component.engine();
    } catch (RuntimeException | Error e) {
      if (configuration.executor() == null) {
        try {
          component.executor().close();
        } catch (RuntimeException | Error closing) {
          e.addSuppressed(closing);
        }
      }
      throw e;
    }
  }

  /** Dagger's factory. */
  @Component.Factory
  interface Factory {
    /** The graph for {@code configuration}. */
    EngineComponent create(@BindsInstance EngineConfiguration configuration);
  }
}
