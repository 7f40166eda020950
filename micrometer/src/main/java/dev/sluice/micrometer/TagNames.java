package dev.sluice.micrometer;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Names that may become tag values: the first {@code max} distinct ones, the rest {@link
 * SluiceMetrics#OTHER}. Once admitted, a name keeps its own tag.
 */
final class TagNames {
  private final int max;
  private final Set<String> admitted = ConcurrentHashMap.newKeySet();
  private final AtomicInteger count = new AtomicInteger();

  TagNames(int max) {
    this.max = max;
  }

  String tag(String name) {
    if (admitted.contains(name)) {
      return name;
    }
    // Reserve a place before admitting, so racing newcomers never exceed the cap.
    if (count.getAndUpdate(n -> n < max ? n + 1 : n) >= max) {
      return SluiceMetrics.OTHER;
    }
    if (!admitted.add(name)) {
      count.decrementAndGet(); // another thread admitted it meanwhile: give the place back
    }
    return name;
  }
}
