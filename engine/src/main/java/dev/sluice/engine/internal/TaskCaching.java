package dev.sluice.engine.internal;

import dev.sluice.api.CachePolicy;
import dev.sluice.api.cache.CacheHit;
import dev.sluice.api.cache.CacheKey;
import dev.sluice.api.cache.CacheProvider;
import dev.sluice.api.cache.CacheSettings;
import dev.sluice.api.cache.KeyRequest;
import dev.sluice.api.cache.TaskCache;
import dev.sluice.api.cache.UncacheableException;
import dev.sluice.api.settings.Settings;
import dev.sluice.api.spi.MapStep;
import dev.sluice.api.spi.Step;
import dev.sluice.api.spi.TaskStep;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's side of task caching: opens the {@link TaskCache} that {@link ServiceLoader} finds
 * (only once a cached task runs), asks it for keys and hits, stores the results of misses, and runs
 * concurrent task runs with the same key once ("single flight"): the first computes, the others are
 * parked — holding no thread and no concurrency slot — and look the key up again when it ends.
 *
 * <p>Tasks without a cache policy never get here.
 */
final class TaskCaching implements AutoCloseable {
  static final Logger log = LoggerFactory.getLogger("dev.sluice.Cache");

  /** {@link #gate}: run the attempt's body. */
  static final int RUN = Integer.MIN_VALUE;

  private final CacheSettings settings;
  private final InstantSource clock;
  private final Map<String, Flight> flights = new ConcurrentHashMap<>();
  private volatile @Nullable TaskCache cache;
  private volatile boolean missing;
  private boolean closed;

  /** Caching with {@code settings}, whose entries expire by {@code clock}. */
  TaskCaching(CacheSettings settings, InstantSource clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /** Reads the {@code cache.*} settings: dir, disk, memory-weight, strict. */
  static CacheSettings settings(Settings settings) {
    Path dir =
        settings.get(EngineSettings.CACHE_DISK)
            ? settings.find(EngineSettings.CACHE_DIR).orElse(settings.home().resolve("cache"))
            : null;
    return new CacheSettings(
        dir,
        settings.get(EngineSettings.CACHE_MEMORY_WEIGHT),
        settings.get(EngineSettings.CACHE_STRICT));
  }

  /** The cache, opened on first use; null (with one warning) when no provider is present. */
  private @Nullable TaskCache cache() {
    TaskCache c = cache;
    if (c != null || missing) {
      return c;
    }
    synchronized (this) {
      if (cache == null && !missing && !closed) {
        Iterator<CacheProvider> providers =
            ServiceLoader.load(CacheProvider.class, TaskCaching.class.getClassLoader()).iterator();
        if (providers.hasNext()) {
          cache = providers.next().create(settings, clock);
          log.debug("opened task cache {} with {}", cache, settings);
        } else {
          missing = true;
          log.warn(
              "a task has a cache policy, but no cache store is on the class path; tasks run"
                  + " uncached. Add the dev.sluice:sluice-cache dependency");
        }
      }
      return cache;
    }
  }

  /**
   * Before the first attempt of a cached task run: returns {@link #RUN} to run the body, an end
   * code when the task run ended (Cached, or Failed in strict mode), or {@code PENDING_OUTCOME}
   * when it was parked behind another task run computing the same key. The caller owns the task run
   * in phase {@code running}.
   */
  int gate(AttemptNode node, CachePolicy policy, int attempt, int running) {
    CacheableRun.CacheRun run = node.cacheRun;
    TaskCache c = cache();
    if (c == null) {
      return RUN;
    }
    if (run == null) {
      CacheKey key;
      try {
        key = c.key(request(node, policy));
      } catch (UncacheableException | RuntimeException e) {
        if (settings.strict()) {
          return node.failUncacheable(attempt, running, e);
        }
        log.warn("Task run '{}' runs uncached: {}", node.name(), e.getMessage());
        node.cacheRun = new CacheableRun.CacheRun(null);
        return RUN;
      }
      if (log.isDebugEnabled()) {
        StringBuilder parts = new StringBuilder();
        for (CacheKey.Part part : key.parts()) {
          parts.append(parts.isEmpty() ? "" : ", ").append(part.name()).append('=');
          parts.append(part.hash());
        }
        log.debug("Task run '{}' cache key {} from {}", node.name(), key.value(), parts);
      }
      run = node.cacheRun = new CacheableRun.CacheRun(key);
    }
    CacheKey key = run.key;
    if (key == null || run.leader) {
      return RUN;
    }
    if (policy.isRefresh()) {
      run.leader = true; // recompute and overwrite; no one waits for a refresh
      return RUN;
    }
    {
      CacheHit hit;
      try {
        hit = c.lookup(key);
      } catch (RuntimeException | LinkageError e) {
        log.warn("Task run '{}': the cache look-up failed; treating it as a miss", node.name(), e);
        hit = null;
      }
      if (hit != null) {
        log.debug("Task run '{}' cache hit ({}) {}", node.name(), hit.source(), key.value());
        return node.endCached(attempt, running, hit, key);
      }
      Flight mine = new Flight();
      Flight current = flights.putIfAbsent(key.value(), mine);
      if (current == null) {
        log.debug("Task run '{}' cache miss {}; computing", node.name(), key.value());
        run.leader = true;
        run.flight = mine;
        return RUN;
      }
      return node.parkBehind(current, attempt, running);
    }
  }

  private static KeyRequest request(AttemptNode node, CachePolicy policy) {
    Execution execution = node.execution;
    Step<?> step = execution.plan.steps[node.index];
    Type declared =
        switch (step) {
          case TaskStep<?> t -> t.outputType();
          case MapStep<?> m -> m.elementType();
          default -> Object.class;
        };
    List<String> names = new ArrayList<>(step.inputs().size());
    step.inputs().forEach(input -> names.add(input.source()));
    return new KeyRequest(
        execution.plan.flowName,
        node.stepName(),
        node.options().version(),
        policy,
        node.body().implementation(),
        declared,
        names,
        node,
        policy.includesParameters() ? execution.parameterMap() : Map.of(),
        execution.id);
  }

  /** The leader's attempt succeeded with {@code value}: store it (waiters are released later). */
  void store(AttemptNode node, CacheableRun.CacheRun run, @Nullable Object value) {
    TaskCache c = cache;
    CacheKey key = run.key;
    if (c != null && key != null) {
      try {
        c.store(key, value, node.options().cachePolicy().expiry());
      } catch (RuntimeException | LinkageError e) {
        log.warn("Task run '{}': its result could not be cached; ignored", node.name(), e);
      }
    }
  }

  /** A cached task run ended, however: if it computed a key, let those waiting for it go on. */
  void ended(CacheableRun.CacheRun run) {
    Flight flight = run.flight;
    if (flight == null) {
      return;
    }
    run.flight = null;
    flights.remove(Objects.requireNonNull(run.key, "a run in flight has a key").value(), flight);
    for (CacheableRun waiter : flight.finish()) {
      waiter.redispatch();
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    TaskCache c = cache;
    if (c != null) {
      c.close();
    }
  }

  /** One key being computed, and the task runs waiting for it. */
  static final class Flight {
    private @Nullable List<CacheableRun> waiters = new ArrayList<>(2);

    /** Adds a waiter; false if the flight already ended. */
    synchronized boolean park(CacheableRun node) {
      if (waiters == null) {
        return false;
      }
      waiters.add(node);
      return true;
    }

    synchronized List<CacheableRun> finish() {
      List<CacheableRun> all = waiters;
      waiters = null;
      return all == null ? List.of() : all;
    }
  }
}
