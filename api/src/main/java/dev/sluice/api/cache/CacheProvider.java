package dev.sluice.api.cache;

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
}
