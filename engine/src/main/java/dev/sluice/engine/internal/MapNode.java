package dev.sluice.engine.internal;

import dev.sluice.api.MapFailedException;
import dev.sluice.api.State;
import dev.sluice.api.spi.MapStep;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The task run of a {@link MapStep}: runs one {@link ElementNode} per element of its input list, at
 * most {@code maxParallel} at once, and gathers their results in element order.
 */
final class MapNode extends TaskRunState {
  final MapStep<?> step;
  private ElementNode[] elements = new ElementNode[0];
  @Nullable Object[] results = new Object[0];
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger left = new AtomicInteger();
  private RunIds.@Nullable Block elementIds;

  MapNode(Execution execution, int index) {
    super(execution, index);
    this.step = (MapStep<?>) execution.plan.steps[index];
  }

  RunIds.Block elementIds() {
    RunIds.Block block = elementIds;
    if (block == null) {
      throw new IllegalStateException("map '" + name() + "' has not started");
    }
    return block;
  }

  List<ElementNode> elements() {
    return Arrays.asList(elements);
  }

  /** Starts the elements; returns an end code if the map ended at once, else PENDING_OUTCOME. */
  int start() {
    long now = System.nanoTime();
    attempts = 1;
    firstStartNanos = now;
    transition(State.RUNNING);
    Object items = execution.argument(index, 0);
    if (!(items instanceof Iterable<?> iterable)) {
      return fail(
          new IllegalArgumentException(
              "map step '"
                  + name()
                  + "' needs a list (an Iterable) from '"
                  + step.items().source()
                  + "', got "
                  + (items == null ? "null" : items.getClass().getName())));
    }
    List<Object> list = new ArrayList<>();
    iterable.forEach(list::add);
    int n = list.size();
    elementIds = RunIds.reserve(Math.max(n, 1));
    results = new Object[n];
    elements = new ElementNode[n];
    long created = System.nanoTime();
    for (int k = 0; k < n; k++) {
      elements[k] = new ElementNode(this, k, list.get(k), created);
      if (execution.listeners.active) {
        elements[k].announce();
      }
    }
    if (n == 0) {
      return complete();
    }
    left.set(n);
    int first = Math.min(step.maxParallel(), n);
    next.set(first);
    phase = phase(1, RUNNING);
    for (int k = 0; k < first; k++) {
      elements[k].dispatch(false);
    }
    return PENDING_OUTCOME;
  }

  /** An element ended: start the next one, and end the map after the last. */
  void elementEnded(int code, boolean afterBody) {
    int unfinished = left.decrementAndGet();
    while (true) {
      int k = next.getAndIncrement();
      if (k >= elements.length) {
        break;
      }
      if (!execution.cancelled) {
        elements[k].dispatch(afterBody);
        break;
      }
      elements[k].endWithoutRunning(new State.Cancelled(execution.cancelReason()));
      unfinished = left.decrementAndGet();
    }
    if (unfinished == 0) {
      execution.stepEnded(index, complete(), afterBody);
    }
  }

  private int complete() {
    int failed = 0;
    int cancelled = 0;
    ElementNode first = null;
    for (ElementNode e : elements) {
      if (e.state.type() == dev.sluice.api.StateType.CANCELLED) {
        cancelled++;
      } else if (!e.state.isCompleted()) {
        failed++;
        if (first == null) {
          first = e;
        }
      }
    }
    phase = phase(1, OWNED);
    if (cancelled > 0 && execution.cancelled) {
      return endCancelled();
    }
    if (first != null || cancelled > 0) {
      int bad = failed + cancelled;
      Throwable cause =
          first != null && first.error != null
              ? first.error
              : new IllegalStateException(first != null ? first.state.message() : "cancelled");
      return fail(
          new MapFailedException(
              bad
                  + " of "
                  + elements.length
                  + " elements of map step '"
                  + name()
                  + "' did not complete; first: "
                  + (first != null ? first.name() + " " + first.state.name() : "cancelled"),
              bad,
              elements.length,
              cause));
    }
    execution.store(index, Collections.unmodifiableList(Arrays.asList(results)));
    endNanos = System.nanoTime();
    transition(State.COMPLETED);
    return OK;
  }

  private int fail(Throwable failure) {
    phase = phase(1, OWNED);
    error = failure;
    endNanos = System.nanoTime();
    transition(new State.Failed(failure));
    try (Mdc.Scope scope = execution.engine.mdc.enter(this)) {
      log.warn("Task run '{}' finished in state Failed: {}", name(), failure.getMessage());
    }
    return FAIL;
  }

  @Override
  void cancel() {
    for (ElementNode e : elements) {
      e.cancel();
    }
  }

  @Override
  void redispatch() {
    throw new AssertionError("a map step is not retried as a whole; its elements are");
  }

  @Override
  void ended(int code, boolean afterBody) {
    execution.stepEnded(index, code, afterBody);
  }

  @Override
  void reset() {
    super.reset();
    elements = new ElementNode[0];
    results = new Object[0];
    next.set(0);
    left.set(0);
  }
}
