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

  /** Dagger's factory. */
  @Component.Factory
  interface Factory {
    /** The graph for {@code configuration}. */
    EngineComponent create(@BindsInstance EngineConfiguration configuration);
  }
}
