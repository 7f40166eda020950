package dev.sluice.api.cache;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link TaskCache} is set up, resolved by the engine from code and settings ({@code
 * sluice.cache.dir}, {@code sluice.cache.memory-weight}, {@code sluice.cache.strict}, {@code
 * sluice.cache.disk}).
 *
 * @param directory where the disk tier keeps entries, or null for memory only
 * @param memoryWeightBytes the most bytes of encoded results the memory tier holds
 * @param strict whether an input that cannot be encoded fails the task instead of running it
 *     uncached
 */
public record CacheSettings(@Nullable Path directory, long memoryWeightBytes, boolean strict) {
  /** 64 MiB. */
  public static final long DEFAULT_MEMORY_WEIGHT = 64L << 20;

  public CacheSettings {
    if (memoryWeightBytes < 0) {
      throw new IllegalArgumentException(
          "the cache memory weight must be >= 0 bytes, was " + memoryWeightBytes);
    }
  }
}
