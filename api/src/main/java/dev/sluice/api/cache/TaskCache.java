package dev.sluice.api.cache;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Computes cache keys and keeps cached task results. Implementations are thread-safe and never
 * throw from {@link #lookup} or {@link #store}: a broken entry is a miss, a failed write is logged.
 */
public interface TaskCache extends AutoCloseable {
  /**
   * The cache key of a task run.
   *
   * @throws UncacheableException if a part cannot be encoded; the message names the task and the
   *     input and says why
   */
  CacheKey key(KeyRequest request) throws UncacheableException;

  /** The result cached under {@code key}, read back as its result type; null on a miss. */
  @Nullable CacheHit lookup(CacheKey key);

  /**
   * Caches {@code value} under {@code key}, replacing what was there.
   *
   * @param expiry how long it lives, or null for as long as the store keeps it
   * @return false if it could not be stored (the reason was logged)
   */
  boolean store(CacheKey key, @Nullable Object value, @Nullable Duration expiry);

  /** Releases files and memory. */
  @Override
  void close();
}
