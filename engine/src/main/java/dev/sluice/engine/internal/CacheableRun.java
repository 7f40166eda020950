package dev.sluice.engine.internal;

import dev.sluice.api.State;
import dev.sluice.api.cache.CacheHit;
import dev.sluice.api.cache.CacheKey;
import org.jspecify.annotations.Nullable;

/**
 * The hooks through which {@link TaskCaching} ends or parks an attempt of a task with a cache
 * policy before its body runs: a hit ends it Cached, an unencodable input in strict mode fails it,
 * and a key another task run is computing parks it, holding no thread or slots. Only tasks with a
 * cache policy get here. One layer of the task-run classes (see {@link InterruptibleRun}).
 */
abstract class CacheableRun extends SlottedRun {
  /** A cached task run's key, and whether it computes the key for others. Owner only. */
  static final class CacheRun {
    final @Nullable CacheKey key;
    boolean leader;
    TaskCaching.@Nullable Flight flight;

    CacheRun(@Nullable CacheKey key) {
      this.key = key;
    }
  }

  /** For a task with a cache policy, its key and role once looked up; null otherwise. */
  @Nullable CacheRun cacheRun;

  CacheableRun(Execution execution, int index) {
    super(execution, index);
  }

  /** Stores the result of a successful attempt; owner only. */
  abstract void storeResult(@Nullable Object value);

  /** The attempt found its result cached: end Cached. Returns the end code. */
  final int endCached(int attempt, int running, CacheHit hit, CacheKey key) {
    if (!casPhase(running, phase(attempt, OWNED))) {
      return lostToCanceller(attempt);
    }
    releaseNow();
    storeResult(hit.value());
    error = null;
    endNanos = System.nanoTime();
    transition(new State.Cached(key.value(), hit.source()), endNanos);
    return OK;
  }

  /** Strict mode: an input cannot be encoded, so the task fails without running. */
  final int failUncacheable(int attempt, int running, Exception cause) {
    if (!casPhase(running, phase(attempt, OWNED))) {
      return lostToCanceller(attempt);
    }
    releaseNow();
    error = cause;
    endNanos = System.nanoTime();
    State.Failed end = new State.Failed(cause);
    transition(end);
    log.warn("Task run '{}' failed (strict caching): {}", name(), cause.getMessage());
    return FAIL;
  }

  /**
   * Another task run computes the same key: wait for it without a thread or slots. When its flight
   * ends, {@link #redispatch()} brings this one back to look the key up again.
   */
  final int parkBehind(TaskCaching.Flight flight, int attempt, int running) {
    if (!casPhase(running, phase(attempt, OWNED))) {
      return lostToCanceller(attempt);
    }
    releaseNow();
    int queued = phase(attempt, QUEUED);
    phase = queued; // a full fence: Dekker with cancel(), which sets `cancelled` then reads this
    if (!flight.park(this)) {
      redispatch(); // it ended meanwhile: look again, as if woken
      return PENDING_OUTCOME;
    }
    if (execution.cancelled && casPhase(queued, phase(attempt, OWNED))) {
      return endCancelled();
    }
    return PENDING_OUTCOME;
  }

  /** A canceller took the task run while the cache was consulted: let it finish, then let go. */
  private int lostToCanceller(int attempt) {
    ConcurrencyLimits.Permit mine = permit();
    yieldToInterrupter(attempt);
    releaseCode(mine);
    return PENDING_OUTCOME;
  }

  /** The task run ended: if it computed a key for others, let them go on. */
  final void cachingEnded() {
    CacheRun cached = cacheRun;
    if (cached != null) {
      execution.engine.caching.ended(cached);
    }
  }

  @Override
  void reset() {
    super.reset();
    cacheRun = null; // a flow-level retry looks the key up again
  }

  @Override
  final @Nullable String cacheKey() {
    CacheRun cached = cacheRun;
    return cached == null || cached.key == null ? null : cached.key.value();
  }
}
