package dev.sluice.engine.internal;

import dev.sluice.api.spi.TaskBody;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The task run of one element of a mapped step. Its arguments are the map step's, with argument 0
 * (the list) replaced by the element.
 */
final class ElementNode extends AttemptNode {
  private final MapNode map;
  private final int element;
  private final @Nullable Object item;
  private final String name;

  private final long createdNanos;

  ElementNode(MapNode map, int element, @Nullable Object item, long createdNanos) {
    super(map.execution, map.index);
    this.createdNanos = createdNanos;
    this.map = map;
    this.element = element;
    this.item = item;
    this.name = map.name() + "[" + element + "]";
  }

  @Override
  TaskBody body() {
    return Objects.requireNonNull(execution.plan.bodies[index], "a task step has a body");
  }

  @Override
  String name() {
    return name;
  }

  @Override
  public int mapIndex() {
    return element;
  }

  @Override
  UUID newId() {
    return map.elementIds().get(element);
  }

  @Override
  public int size() {
    return execution.plan.argSources[map.index].length;
  }

  @Override
  public @Nullable Object get(int argument) {
    return argument == 0 ? item : execution.argument(map.index, argument);
  }

  @Override
  void storeResult(@Nullable Object value) {
    map.results[element] = value;
  }

  @Override
  long createdNanos() {
    return createdNanos;
  }

  @Override
  void ended(int code, boolean afterBody) {
    if (cacheRun != null) {
      cachingEnded();
    }
    map.elementEnded(code, afterBody);
  }
}
