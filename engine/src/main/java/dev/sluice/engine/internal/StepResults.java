package dev.sluice.engine.internal;

import dev.sluice.api.RunOptions;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.jspecify.annotations.Nullable;

/**
 * The values a flow run's steps read: its bound parameters and its steps' results. A result is
 * released (set to null, so a long run does not hold every intermediate value) once every step that
 * reads it has started, unless its step keeps it ({@code keepResult()}) or the run retains results.
 *
 * <p>A step's result is written once by the thread that owns the step, before its end is counted
 * down; readers are its downstream steps, made ready after that count, so the countdown's atomic
 * decrements publish it.
 *
 * <p>A layer of the run's object, between {@link FlowRunRecord} and {@link Execution}: every task
 * reads its arguments here, so they are one load from the run, not two.
 */
abstract class StepResults extends FlowRunRecord {
  private final @Nullable Object[] parameters;
  private final @Nullable Object[] results;
  private final @Nullable AtomicIntegerArray consumersLeft;
  private final boolean[] released;

  /**
   * @param release whether results are released once their consumers have them (false when the run
   *     retains results, or its flow may retry: a retried step reads its inputs again)
   */
  StepResults(
      Plan plan,
      Listeners listeners,
      UUID id,
      RunOptions options,
      @Nullable TaskRunState parent,
      Instant startInstant,
      long startNanos,
      @Nullable Object[] parameters,
      boolean release) {
    super(plan, listeners, id, options, parent, startInstant, startNanos);
    this.parameters = parameters;
    int n = plan.size;
    this.results = new Object[n];
    this.consumersLeft = release ? new AtomicIntegerArray(plan.consumerCount) : null;
    this.released = new boolean[n];
  }

  /** The value of an encoded source: a parameter (negative) or a step's result. */
  final @Nullable Object value(int source) {
    return source < 0 ? parameters[-1 - source] : results[source];
  }

  /** Step {@code step}'s result; null before it completed, or once released. */
  final @Nullable Object result(int step) {
    return results[step];
  }

  /** Stores step {@code step}'s result; the step's owner only. */
  final void store(int step, @Nullable Object value) {
    results[step] = value;
  }

  /** Step {@code step} started and read its inputs: release those no other consumer waits for. */
  final void consumed(int step) {
    AtomicIntegerArray left = consumersLeft;
    if (left == null) {
      return;
    }
    for (int source : plan.valueSources[step]) {
      if (left.decrementAndGet(source) == 0 && !plan.keepResult[source]) {
        results[source] = null;
        released[source] = true;
      }
    }
  }

  /** Whether step {@code i}'s result was released. */
  final boolean released(int i) {
    return released[i];
  }

  /** The bound parameters by name, in declaration order. */
  final Map<String, @Nullable Object> parameterMap() {
    Map<String, @Nullable Object> map = new LinkedHashMap<>();
    for (int p = 0; p < parameters.length; p++) {
      map.put(plan.parameters.get(p).name(), parameters[p]);
    }
    return Collections.unmodifiableMap(map);
  }
}
