package dev.sluice.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** The in-memory tier: Caffeine, bounded by the total weight of its entries, expiring per entry. */
final class MemoryTier {
  private final Cache<String, Entry> cache;
  private final InstantSource clock;

  MemoryTier(long maximumWeight, InstantSource clock) {
    this.clock = clock;
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(maximumWeight)
            .weigher((String key, Entry entry) -> entry.weight())
            .expireAfter(
                new Expiry<String, Entry>() {
                  @Override
                  public long expireAfterCreate(String key, Entry entry, long currentTime) {
                    return nanosLeft(entry);
                  }

                  @Override
                  public long expireAfterUpdate(
                      String key, Entry entry, long currentTime, long currentDuration) {
                    return nanosLeft(entry);
                  }

                  @Override
                  public long expireAfterRead(
                      String key, Entry entry, long currentTime, long currentDuration) {
                    return currentDuration;
                  }
                })
            .executor(Runnable::run) // maintenance inline: no common-pool tasks per write
            .build();
  }

  private long nanosLeft(Entry entry) {
    if (entry.expiresAtMillis() == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    long millis = entry.expiresAtMillis() - clock.millis();
    return millis <= 0 ? 0 : TimeUnit.MILLISECONDS.toNanos(millis);
  }

  @Nullable Entry get(String key) {
    return cache.getIfPresent(key);
  }

  void put(String key, Entry entry) {
    cache.put(key, entry);
  }

  void invalidate(String key) {
    cache.invalidate(key);
  }

  void clear() {
    cache.invalidateAll();
    cache.cleanUp();
  }
}
