package dev.sluice.micrometer;

import dev.sluice.api.RunListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.util.Objects;

/**
 * Reports Sluice's runs to a Micrometer {@link MeterRegistry}. Register the listener on a Sluice:
 *
 * {@snippet :
 * MeterRegistry registry = new SimpleMeterRegistry(); // or the application's registry
 * try (Sluice sluice = Sluice.builder().listener(SluiceMetrics.listener(registry)).build()) {
 *   sluice.run(pipeline, Map.of());
 * }
 * }
 *
 * <p>With this module on the class path, {@link java.util.ServiceLoader} also adds a listener that
 * reports to {@link Metrics#globalRegistry} to every Sluice (unless it is built with {@code
 * discoverListeners(false)}): adding the dependency is enough where the application's registry is
 * in the global one. Register {@link #listener(MeterRegistry)} yourself for a registry that is not,
 * and build with {@code discoverListeners(false)} if it is, or every run is counted twice.
 *
 * <p>Meters (tags in brackets):
 *
 * <ul>
 *   <li>{@code sluice.flow.runs} counter [flow, state]: flow runs by final state ({@code
 *       Completed}, {@code Failed}, {@code Crashed}, {@code Cancelled}).
 *   <li>{@code sluice.flow.run.duration} timer [flow, state]: from a flow run's first state to its
 *       final one.
 *   <li>{@code sluice.task.runs} counter [flow, task, state]: task runs by final state (also {@code
 *       Cached}, {@code Skipped}, {@code NotReady}, {@code TimedOut}...). A task run ends once,
 *       after all its retries.
 *   <li>{@code sluice.task.run.duration} timer [flow, task, state]: from a task run's first attempt
 *       start to its final state, retries and their waits included; task runs that never ran (not
 *       ready, skipped, cached before running) are not timed.
 *   <li>{@code sluice.task.wait} timer [flow, task, reason]: time spent waiting, {@code
 *       reason=slot} for a concurrency slot, {@code reason=retry} for a retry's delay.
 *   <li>{@code sluice.task.attempts.running} gauge [flow]: attempts running now.
 *   <li>{@code sluice.concurrency.slots.free} gauge [tag]: free slots of each limited tag, summed
 *       over the Sluices this listener is registered on.
 * </ul>
 *
 * <p>Cardinality is bounded: the {@code task} tag is the step's name (every element of a mapped
 * step shares its step's), flow and task run ids are never tags, and past {@link
 * #DEFAULT_MAX_FLOW_NAMES} distinct flow names or {@link #DEFAULT_MAX_TASK_NAMES} distinct task
 * names (in all flows together) the newcomers are tagged {@value #OTHER}. States and reasons are
 * fixed sets.
 */
public final class SluiceMetrics {
  /** How many distinct flow names become tags before the rest are tagged {@value #OTHER}. */
  public static final int DEFAULT_MAX_FLOW_NAMES = 100;

  /**
   * How many distinct task (step) names, in all flows together, become tags before the rest are
   * tagged {@value #OTHER}.
   */
  public static final int DEFAULT_MAX_TASK_NAMES = 500;

  /** The tag value of flow and task names past the cap. */
  public static final String OTHER = "other";

  private SluiceMetrics() {}

  /** A listener reporting to {@code registry}, with the default caps on flow and task names. */
  public static RunListener listener(MeterRegistry registry) {
    return listener(registry, DEFAULT_MAX_FLOW_NAMES, DEFAULT_MAX_TASK_NAMES);
  }

  /**
   * A listener reporting to {@code registry} that tags at most {@code maxFlowNames} distinct flow
   * names and {@code maxTaskNames} distinct task names; the others are tagged {@value #OTHER}.
   */
  public static RunListener listener(MeterRegistry registry, int maxFlowNames, int maxTaskNames) {
    Objects.requireNonNull(registry, "registry");
    if (maxFlowNames < 0 || maxTaskNames < 0) {
      throw new IllegalArgumentException(
          "the caps on flow and task names must be >= 0, were "
              + maxFlowNames
              + " and "
              + maxTaskNames);
    }
    return new MetricsListener(registry, maxFlowNames, maxTaskNames);
  }
}
