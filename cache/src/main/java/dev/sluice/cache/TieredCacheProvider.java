package dev.sluice.cache;

import com.google.auto.service.AutoService;
import dev.sluice.api.cache.CacheProvider;
import dev.sluice.api.cache.CacheSettings;
import dev.sluice.api.cache.TaskCache;
import java.time.InstantSource;

/** Registers the memory-and-disk cache with {@link java.util.ServiceLoader}. */
@AutoService(CacheProvider.class)
public final class TieredCacheProvider implements CacheProvider {
  /** For {@link java.util.ServiceLoader}. */
  public TieredCacheProvider() {}

  @Override
  public String name() {
    return "tiered";
  }

  @Override
  public TaskCache create(CacheSettings settings) {
    return new TieredCache(settings, InstantSource.system());
  }

  @Override
  public TaskCache create(CacheSettings settings, InstantSource clock) {
    return new TieredCache(settings, clock);
  }
}
