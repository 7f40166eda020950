package dev.sluice.client;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The flow runs a store is recording: the unfinished ones, which every request to the server names
 * (so its answer can say which of them to cancel), and, for the log capture, those that ended
 * recently too (their last lines are logged after their final state). Thread-safe.
 */
final class ActiveRuns {
  /** Runs whose lines the log capture still takes after they ended. */
  static final int RECENTLY_ENDED = 1_024;

  private final Set<UUID> unfinished = ConcurrentHashMap.newKeySet();
  private final Map<String, UUID> byText = new ConcurrentHashMap<>();
  private final Set<UUID> toldToCancel = ConcurrentHashMap.newKeySet();
  private final ArrayDeque<UUID> ended = new ArrayDeque<>(); // guarded by itself

  /** A run started being recorded here. */
  void started(UUID flowRunId) {
    unfinished.add(flowRunId);
    byText.put(flowRunId.toString(), flowRunId);
  }

  /** A run reached its final state. */
  void ended(UUID flowRunId) {
    if (!unfinished.remove(flowRunId)) {
      return;
    }
    toldToCancel.remove(flowRunId);
    synchronized (ended) {
      ended.addLast(flowRunId);
      if (ended.size() > RECENTLY_ENDED) {
        UUID oldest = ended.removeFirst();
        if (!unfinished.contains(oldest)) {
          byText.remove(oldest.toString());
        }
      }
    }
  }

  /** The unfinished runs, now. */
  List<UUID> unfinished() {
    return List.copyOf(unfinished);
  }

  /** Whether no run is unfinished. */
  boolean isEmpty() {
    return unfinished.isEmpty();
  }

  /**
   * The run whose id text (the MDC value {@code flow_run_id}) is {@code idText}, when it is
   * unfinished or ended recently; null otherwise.
   */
  @Nullable UUID lookup(String idText) {
    return byText.get(idText);
  }

  /**
   * Whether the cancel of {@code flowRunId} should be told now: it is unfinished and was not told
   * before. Each run is told once.
   */
  boolean firstCancel(UUID flowRunId) {
    return unfinished.contains(flowRunId) && toldToCancel.add(flowRunId);
  }
}
