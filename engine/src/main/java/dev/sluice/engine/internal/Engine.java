package dev.sluice.engine.internal;

import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.RunHandle;
import dev.sluice.api.RunOptions;
import dev.sluice.api.executor.TaskExecutor;
import dev.sluice.api.store.RunStore;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.InstantSource;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * Runs flows. Created by {@link EngineComponent} (users get one through {@code Sluice.builder()});
 * thread-safe; any number of flow runs may be in progress at once.
 */
@Singleton
public final class Engine implements AutoCloseable {
  final TaskExecutor executor;
  final Timer timer;
  final Listeners listeners;
  final InstantSource clock;
  final Mdc mdc;
  final ConcurrencyLimits limits;
  final TaskCaching caching;
  private final Recording recording;
  private final boolean retainResults;
  private final Map<Flow<?>, Plan> plans = Collections.synchronizedMap(new WeakHashMap<>());
  private final Map<UUID, Execution> active = new ConcurrentHashMap<>();

  /**
   * Runs in progress started with an idempotency key, by flow name and key. Starts and ends of runs
   * with an id or a key given update it and {@code active} under {@code claims}.
   */
  private final Map<String, Execution> byIdempotencyKey = new ConcurrentHashMap<>();

  private final Object claims = new Object();
  private volatile boolean closed;

  // Dagger's factory gets the arguments in parameter order, and each part is built when first got:
  // the parts that only read settings (limits, caching: the cache itself opens on first use) come
  // first, so a bad setting fails before the executor, the run store (Recording) and the timer's
  // thread exist. The executor is built before the store is opened and is not closed if opening
  // the store fails; no executor starts a thread before its first attempt.
  @Inject
  Engine(
      ConcurrencyLimits limits,
      TaskCaching caching,
      InstantSource clock,
      EngineConfiguration configuration,
      TaskExecutor executor,
      Recording recording,
      Listeners listeners,
      Timer timer) {
    this.limits = limits;
    this.caching = caching;
    this.recording = recording;
    this.mdc = new Mdc(recording.uncapturedRecorder());
    this.executor = executor;
    this.timer = timer;
    this.listeners = listeners;
    this.clock = clock;
    this.retainResults = configuration.retainResults();
    if (listeners.active) {
      listeners.attached(limits.view());
    }
    // A cancel asked of the store (the server's API, another process) stops the run here.
    recording
        .store()
        .ifPresent(
            store ->
                store.onCancelRequested(
                    id -> {
                      Execution execution = active.get(id);
                      if (execution != null) {
                        var unused =
                            execution.cancel(
                                "cancel requested through the run history (server or CLI)");
                      }
                    }));
  }

  /**
   * Starts a run of {@code flow} and returns at once with its handle. With the local executor the
   * run's attempts execute on this thread before it returns (delayed retries excepted).
   *
   * @throws dev.sluice.api.ParameterException before anything runs, listing every missing, unknown
   *     or uncoercible parameter
   */
  public RunHandle start(Flow<?> flow, Map<String, ?> parameters) {
    return start(flow, parameters, RunOptions.none());
  }

  /**
   * Starts a run of {@code flow} identified by {@code options}. A run still in progress here with
   * the same id, or of the same flow with the same idempotency key, is returned instead of starting
   * another one (see {@link RunOptions}).
   *
   * @throws dev.sluice.api.ParameterException before anything runs, listing every missing, unknown
   *     or uncoercible parameter
   */
  public RunHandle start(Flow<?> flow, Map<String, ?> parameters, RunOptions options) {
    Objects.requireNonNull(options, "options");
    if (closed) {
      throw new IllegalStateException(
          "this Sluice instance is closed; create a new one to run flows");
    }
    Execution execution;
    if (options.id() == null && options.idempotencyKey() == null) {
      execution = prepare(flow, parameters, null, options);
    } else {
      // Claimed under one lock, so two starts with the same id or key cannot both begin a run;
      // starts without either never take it.
      synchronized (claims) {
        Execution existing = options.id() == null ? null : active.get(options.id());
        String key = keyOf(flow.name(), options.idempotencyKey());
        if (existing == null && key != null) {
          existing = byIdempotencyKey.get(key);
        }
        if (existing != null) {
          return existing;
        }
        execution = prepare(flow, parameters, null, options);
        active.put(execution.id, execution);
        if (key != null) {
          byIdempotencyKey.put(key, execution);
        }
      }
    }
    execution.begin();
    return execution;
  }

  private static @Nullable String keyOf(String flowName, @Nullable String idempotencyKey) {
    return idempotencyKey == null ? null : flowName + '\u0000' + idempotencyKey;
  }

  /**
   * Runs {@code flow} and waits for it to end. Returns the run whatever its final state; read
   * {@link FlowRun#state()} to see how it went.
   */
  public FlowRun run(Flow<?> flow, Map<String, ?> parameters) {
    return start(flow, parameters).await();
  }

  /** Runs {@code flow} as identified by {@code options} and waits for it to end. */
  public FlowRun run(Flow<?> flow, Map<String, ?> parameters, RunOptions options) {
    return start(flow, parameters, options).await();
  }

  /**
   * Checks {@code parameters} against {@code flow}'s as a run would — defaults, coercion of strings
   * and JSON — without running anything or needing an engine.
   *
   * @throws dev.sluice.api.ParameterException listing every missing, unknown or uncoercible
   *     parameter
   */
  public static void checkParameters(Flow<?> flow, Map<String, ?> parameters) {
    var unused = ParameterBinder.bind(flow.name(), flow.parameters(), parameters);
  }

  /** Binds parameters and creates the run, without starting it. */
  Execution prepare(
      Flow<?> flow, Map<String, ?> parameters, @Nullable TaskRunState parent, RunOptions options) {
    Objects.requireNonNull(flow, "flow");
    Objects.requireNonNull(parameters, "parameters");
    Plan plan = plans.get(flow);
    if (plan == null) {
      // Before the first run: a flow the executor cannot run fails here. Outside the map's lock,
      // since a check may scan the class path; two first runs at once may both check.
      executor.check(flow);
      plan = plans.computeIfAbsent(flow, f -> new Plan(f, limits));
    }
    @Nullable Object[] values = ParameterBinder.bind(flow.name(), plan.parameters, parameters);
    boolean release = !retainResults && plan.options.retryPolicy().retries() == 0;
    Execution execution = new Execution(this, plan, values, parent, release, options);
    if (recording.active()) {
      try {
        recording.created(execution, flow);
      } catch (RuntimeException | LinkageError e) {
        // Recording never breaks a run, as a listener never does (see Listeners).
        LoggerFactory.getLogger(Engine.class)
            .warn("Flow run of '{}' is not recorded: {}", flow.name(), e.toString(), e);
      }
    }
    return execution;
  }

  /**
   * Cancels the flow run with this id, if it is in progress here (see {@link RunHandle#cancel}).
   *
   * @return false if no such run is in progress
   */
  public boolean cancel(UUID flowRunId, String reason) {
    Execution execution = active.get(flowRunId);
    return execution != null && execution.cancel(reason);
  }

  /** Concurrency slots in use, per limited tag; all zero when nothing runs. */
  public Map<String, Integer> concurrencySlotsInUse() {
    return limits.inUse();
  }

  /** The executor attempts run on. */
  public TaskExecutor executor() {
    return executor;
  }

  /** A run started; it is cancelled if the engine closes before it ends. */
  void started(Execution execution) {
    active.put(execution.id, execution);
  }

  /** A run ended. */
  void ended(Execution execution) {
    String key = execution.options.idempotencyKey();
    if (execution.options.id() == null && key == null) {
      active.remove(execution.id);
      return;
    }
    synchronized (claims) {
      active.remove(execution.id, execution);
      if (key != null) {
        byIdempotencyKey.remove(keyOf(execution.plan.flowName, key), execution);
      }
    }
  }

  /** The run store this engine records into, when run history is on. */
  public Optional<RunStore> runStore() {
    return recording.store();
  }

  /**
   * Cancels the runs still in progress (they end Cancelled), then closes the executor and the
   * timer, then commits the run history and closes the run store.
   */
  @Override
  public void close() {
    closed = true;
    for (Execution execution : active.values()) {
      execution.cancel("the Sluice instance was closed");
    }
    try {
      executor.close();
    } finally {
      try {
        timer.close();
        caching.close();
      } finally {
        recording.close();
      }
    }
  }
}
