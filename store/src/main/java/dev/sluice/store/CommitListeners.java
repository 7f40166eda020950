package dev.sluice.store;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process half of the change feed: who to wake after this store commits, so a follower in
 * the same process reads {@link HistoryReader#changesAfter} at once instead of waiting for its next
 * poll. A listener that throws is logged and kept: like a run listener, it cannot stop the writer.
 */
final class CommitListeners {
  private static final Logger log = LoggerFactory.getLogger(CommitListeners.class);

  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  void add(Runnable listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  void remove(Runnable listener) {
    listeners.remove(listener);
  }

  /** Calls every listener; after a commit that added change-feed rows. */
  void committed() {
    for (Runnable listener : listeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        log.warn("a run-store commit listener failed; it stays registered", e);
      }
    }
  }
}
