package dev.sluice.engine;

import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.RunHandle;
import dev.sluice.api.executor.TaskExecutor;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.InstantSource;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import org.jspecify.annotations.Nullable;

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
  final Mdc mdc = new Mdc();
  private final boolean retainResults;
  private final Map<Flow<?>, Plan> plans = Collections.synchronizedMap(new WeakHashMap<>());

  @Inject
  Engine(
      TaskExecutor executor,
      Timer timer,
      Listeners listeners,
      InstantSource clock,
      EngineConfiguration configuration) {
    this.executor = executor;
    this.timer = timer;
    this.listeners = listeners;
    this.clock = clock;
    this.retainResults = configuration.retainResults();
  }

  /**
   * Starts a run of {@code flow} and returns at once with its handle. With the local executor the
   * run's attempts execute on this thread before it returns (delayed retries excepted).
   *
   * @throws dev.sluice.api.ParameterException before anything runs, listing every missing, unknown
   *     or uncoercible parameter
   */
  public RunHandle start(Flow<?> flow, Map<String, ?> parameters) {
    Execution execution = prepare(flow, parameters, null);
    execution.begin();
    return execution;
  }

  /**
   * Runs {@code flow} and waits for it to end. Returns the run whatever its final state; read
   * {@link FlowRun#state()} to see how it went.
   */
  public FlowRun run(Flow<?> flow, Map<String, ?> parameters) {
    return start(flow, parameters).await();
  }

  /** Binds parameters and creates the run, without starting it. */
  Execution prepare(Flow<?> flow, Map<String, ?> parameters, @Nullable TaskRunState parent) {
    Objects.requireNonNull(flow, "flow");
    Objects.requireNonNull(parameters, "parameters");
    Plan plan = plans.computeIfAbsent(flow, Plan::new);
    @Nullable Object[] values = ParameterBinder.bind(flow.name(), plan.parameters, parameters);
    boolean release = !retainResults && plan.options.retryPolicy().retries() == 0;
    return new Execution(this, plan, values, parent, release);
  }

  /** The executor attempts run on. */
  public TaskExecutor executor() {
    return executor;
  }

  /** Closes the executor and the timer. Runs in progress are not waited for. */
  @Override
  public void close() {
    try {
      executor.close();
    } finally {
      timer.close();
    }
  }
}
