package dev.sluice.api.cache;

import java.time.InstantSource;

/**
 * Makes the {@link TaskCache} an engine uses. Registered for {@link java.util.ServiceLoader} (with
 * {@code @AutoService(CacheProvider.class)}); the engine takes the first one found, and only when a
 * flow it runs has a cached task.
 */
public interface CacheProvider {
  /** A short name, for messages. */
  String name();

  /** Opens a cache with these settings; it is closed with the engine. */
  TaskCache create(CacheSettings settings);

  /**
   * Opens a cache whose entries expire by {@code clock} (the engine's wall clock, which tests may
   * replace). The default ignores the clock: implementations that expire entries override it.
   */
  default TaskCache create(CacheSettings settings, InstantSource clock) {
    return create(settings);
  }
}
