package dev.sluice;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.RunHandle;
import dev.sluice.api.RunListener;
import dev.sluice.api.RunOptions;
import dev.sluice.api.executor.TaskExecutor;
import dev.sluice.api.store.RunStore;
import dev.sluice.engine.internal.Engine;
import dev.sluice.engine.internal.EngineComponent;
import dev.sluice.engine.internal.EngineConfiguration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Runs flows. One instance owns an executor and a timer thread; share it and close it when done.
 *
 * {@snippet :
 * try (Sluice sluice = Sluice.builder().executor("local").build()) {
 *   FlowRun run = sluice.run(pipeline, Map.of("msg", "Now we're cooking!"));
 *   System.out.println(run.summary());
 * }
 * }
 */
public final class Sluice implements AutoCloseable {
  private final Engine engine;

  private Sluice(Engine engine) {
    this.engine = engine;
  }

  /** A Sluice with the default configuration. */
  public static Sluice create() {
    return builder().build();
  }

  /** Configures a Sluice. */
  public static Builder builder() {
    return new Builder();
  }

  /** Runs {@code flow} without parameters and waits for it to end. */
  @CanIgnoreReturnValue // a flow may be run for its effects; listeners and run history see it
  public FlowRun run(Flow<?> flow) {
    return engine.run(flow, Map.of());
  }

  /**
   * Runs {@code flow} and waits for it to end. Returns the run whatever its final state: inspect
   * {@link FlowRun#state()}, or print {@link FlowRun#summary()}.
   *
   * @param parameters values by parameter name; strings and JSON are coerced to the declared types
   * @throws dev.sluice.api.ParameterException before anything runs, listing every problem with the
   *     parameters
   */
  @CanIgnoreReturnValue // a flow may be run for its effects; listeners and run history see it
  public FlowRun run(Flow<?> flow, Map<String, ?> parameters) {
    return engine.run(flow, parameters);
  }

  /**
   * Starts {@code flow} and returns its handle at once (with the local executor, after running on
   * this thread whatever does not wait for a retry delay).
   */
  public RunHandle start(Flow<?> flow, Map<String, ?> parameters) {
    return engine.start(flow, parameters);
  }

  /**
   * Starts {@code flow} as identified by {@code options} — an id created elsewhere (a run a server
   * scheduled), a name, tags, an idempotency key — and returns its handle at once. A run still in
   * progress on this instance with the same id, or of the same flow with the same idempotency key,
   * is returned instead of starting a second one.
   *
   * {@snippet :
   * RunHandle run = sluice.start(flow, Map.of(), RunOptions.none().withIdempotencyKey("2026-12-07"));
   * }
   */
  public RunHandle start(Flow<?> flow, Map<String, ?> parameters, RunOptions options) {
    return engine.start(flow, parameters, options);
  }

  /** Runs {@code flow} as identified by {@code options} and waits for it to end. */
  public FlowRun run(Flow<?> flow, Map<String, ?> parameters, RunOptions options) {
    return engine.run(flow, parameters, options);
  }

  /**
   * Cancels the flow run with this id if it is in progress on this instance: nothing new starts,
   * running attempts are interrupted, unfinished tasks and the flow end Cancelled.
   *
   * @return false if no such run is in progress
   */
  @CanIgnoreReturnValue // whether it was still running: often not needed
  public boolean cancel(UUID flowRunId, String reason) {
    return engine.cancel(flowRunId, reason);
  }

  /**
   * Concurrency slots in use right now, per limited tag: how many attempts with that tag are
   * running. All zero when nothing runs.
   */
  public Map<String, Integer> concurrencySlotsInUse() {
    return engine.concurrencySlotsInUse();
  }

  /** The executor this instance runs attempts on. */
  public TaskExecutor executor() {
    return engine.executor();
  }

  /**
   * The run store this instance records its runs into (by default SQLite at {@code
   * $SLUICE_HOME/sluice.db}; see the {@code store} setting); empty when run history is off. Read
   * past runs with {@code runStore().get().history()}; records reach it asynchronously, so call
   * {@code recorder().flush(timeout)} first to see a run that just ended.
   */
  public Optional<RunStore> runStore() {
    return engine.runStore();
  }

  /**
   * Closes the executor and the timer thread, then commits the run history and closes the run
   * store. Runs in progress are not waited for.
   */
  @Override
  public void close() {
    engine.close();
  }

  /** Configures a {@link Sluice}. */
  public static final class Builder {
    private @Nullable String executorName;
    private @Nullable TaskExecutor executor;
    private final List<RunListener> listeners = new ArrayList<>();
    private boolean discoverListeners = true;
    private InstantSource clock = InstantSource.system();
    private final Map<String, String> settings = new LinkedHashMap<>();
    private boolean retainResults;
    private final Map<String, Integer> concurrencyLimits = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Lets at most {@code limit} attempts of tasks tagged {@code tag} run at once, across every run
     * of this instance. A task with several limited tags needs a slot of each; a task waiting for a
     * slot is AwaitingConcurrencySlot and holds no thread. Also settable as {@code
     * sluice.concurrency.TAG=N}.
     */
    @CanIgnoreReturnValue
    public Builder concurrencyLimit(String tag, int limit) {
      Objects.requireNonNull(tag, "tag");
      if (limit < 1) {
        throw new IllegalArgumentException(
            "the concurrency limit of tag '" + tag + "' must be >= 1, was " + limit);
      }
      concurrencyLimits.put(tag, limit);
      return this;
    }

    /**
     * Runs attempts on the executor called {@code name} ({@code "local"}, {@code "threadpool"}...),
     * found with {@link java.util.ServiceLoader}. Without this, the {@code sluice.executor} setting
     * decides, else the thread pool when present, else local.
     */
    @CanIgnoreReturnValue
    public Builder executor(String name) {
      this.executorName = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Runs attempts on this executor; it is closed with the Sluice. */
    @CanIgnoreReturnValue
    public Builder executor(TaskExecutor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Tells {@code listener} about every state transition. */
    @CanIgnoreReturnValue
    public Builder listener(RunListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Whether to add the {@link RunListener}s {@link java.util.ServiceLoader} finds (default yes).
     */
    @CanIgnoreReturnValue
    public Builder discoverListeners(boolean discover) {
      this.discoverListeners = discover;
      return this;
    }

    /** The wall clock for run timestamps (for tests). */
    @CanIgnoreReturnValue
    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets a configuration key (without the {@code sluice.} prefix), overriding system properties,
     * environment and the config file.
     */
    @CanIgnoreReturnValue
    public Builder setting(String key, String value) {
      settings.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Keeps cached task results on disk in {@code directory} (default {@code $SLUICE_HOME/cache},
     * {@code ~/.sluice/cache} when SLUICE_HOME is unset). Also settable as {@code
     * sluice.cache.dir}.
     */
    @CanIgnoreReturnValue
    public Builder cacheDirectory(java.nio.file.Path directory) {
      return setting("cache.dir", Objects.requireNonNull(directory, "directory").toString());
    }

    /**
     * Keeps cached task results in memory only, with no disk tier. Also settable as {@code
     * sluice.cache.disk=false}.
     */
    @CanIgnoreReturnValue
    public Builder memoryOnlyCache() {
      return setting("cache.disk", "false");
    }

    /**
     * Bounds the in-memory cache tier to {@code bytes} of encoded results (default 64 MiB; 0 turns
     * the memory tier off). Also settable as {@code sluice.cache.memory-weight}, e.g. {@code
     * 256MB}.
     */
    @CanIgnoreReturnValue
    public Builder cacheMemoryWeight(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("the cache memory weight must be >= 0, was " + bytes);
      }
      return setting("cache.memory-weight", Long.toString(bytes));
    }

    /**
     * Strict caching: a cached task whose input cannot be encoded for its key fails with the
     * reason, instead of running uncached with a warning. Also settable as {@code
     * sluice.cache.strict}.
     */
    @CanIgnoreReturnValue
    public Builder strictCaching() {
      return setting("cache.strict", "true");
    }

    /**
     * Keeps every step's result in the run record. By default a result is released once every step
     * that takes it has ended, so long pipelines do not hold every intermediate value.
     */
    @CanIgnoreReturnValue
    public Builder retainResults() {
      this.retainResults = true;
      return this;
    }

    /**
     * Builds the Sluice.
     *
     * @throws IllegalArgumentException if the executor named is unknown; the message lists those
     *     available
     */
    public Sluice build() {
      EngineConfiguration configuration =
          new EngineConfiguration(
              executorName,
              executor,
              listeners,
              discoverListeners,
              clock,
              settings,
              retainResults,
              concurrencyLimits);
      return new Sluice(EngineComponent.engine(configuration));
    }
  }
}
