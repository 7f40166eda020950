package dev.sluice.store;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the engine which of the runs this store's writer records were asked to cancel ({@link
 * dev.sluice.api.store.RunStore#onCancelRequested}): a daemon thread, {@value #THREAD_NAME}, reads
 * every {@link #PERIOD_MILLIS} ms which of them have a request ({@link CancelRequests}) and calls
 * the handler once per run. The thread runs only while there is a handler and the writer has
 * unfinished runs: it ends when the last one finishes and starts again with the next run, so an
 * idle store has no thread and makes no query. A handler that throws is logged and kept.
 */
final class CancelWatch {
  private static final Logger log = LoggerFactory.getLogger(CancelWatch.class);

  static final String THREAD_NAME = "sluice-store-cancel-watch";

  /** How often the requests are read while runs are recorded. */
  static final long PERIOD_MILLIS = 500;

  private final CancelRequests requests;
  private final Supplier<Set<UUID>> unfinished;
  private volatile @Nullable Consumer<UUID> handler;

  /** Runs the handler was called for; forgotten when they finish. Watch thread only. */
  private final Set<UUID> told = new HashSet<>();

  /** Whether the last read failed (said once). Watch thread only. */
  private boolean failing;

  // Guarded by this.
  private @Nullable Thread thread;
  private boolean closed;

  /**
   * @param unfinished the runs to watch, a live view: the writer's unfinished runs
   */
  CancelWatch(CancelRequests requests, Supplier<Set<UUID>> unfinished) {
    this.requests = requests;
    this.unfinished = unfinished;
  }

  /** Sets (or replaces) the handler, and starts watching if runs are recorded. */
  void handler(Consumer<UUID> next) {
    handler = next;
    runsChanged();
  }

  /** A run started: watching starts if it was not running. Cheap; any thread. */
  synchronized void runsChanged() {
    if (closed || thread != null || handler == null || unfinished.get().isEmpty()) {
      return;
    }
    Thread watcher = new Thread(this::watch, THREAD_NAME);
    watcher.setDaemon(true);
    thread = watcher;
    watcher.start();
  }

  /** Whether the watch thread is running, for tests. */
  synchronized boolean watching() {
    return thread != null;
  }

  /** Stops the thread, if any, and waits briefly for it; no handler is called after this. */
  void close() {
    Thread watcher;
    synchronized (this) {
      closed = true;
      watcher = thread;
    }
    if (watcher != null) {
      watcher.interrupt();
      try {
        watcher.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void watch() {
    try {
      while (!stopping()) {
        Thread.sleep(PERIOD_MILLIS);
        Set<UUID> runs = Set.copyOf(unfinished.get());
        told.retainAll(runs);
        Set<UUID> ask = new HashSet<>(runs);
        ask.removeAll(told);
        if (!ask.isEmpty()) {
          for (UUID run : read(ask)) {
            tell(run);
          }
        }
      }
    } catch (InterruptedException e) {
      // closed
    } finally {
      synchronized (this) {
        if (thread == Thread.currentThread()) {
          thread = null; // ended by an unexpected error: the next run starts another
        }
      }
    }
  }

  /** Whether to end: closed, or no run to watch (under the lock {@link #runsChanged} takes). */
  private synchronized boolean stopping() {
    if (closed || unfinished.get().isEmpty()) {
      thread = null;
      return true;
    }
    return false;
  }

  private Set<UUID> read(Set<UUID> runs) {
    try {
      Set<UUID> requested = requests.requested(runs);
      failing = false;
      return requested;
    } catch (RuntimeException e) {
      // A busy or lost database: the next round asks again. Said once per outage, not each round.
      if (!failing) {
        log.warn("could not read the cancel requests of the runs recorded here: {}", e.toString());
      } else {
        log.debug("still cannot read the cancel requests", e);
      }
      failing = true;
      return Set.of();
    }
  }

  private void tell(UUID run) {
    Consumer<UUID> h = handler;
    if (h == null || closed() || !told.add(run)) {
      return;
    }
    try {
      h.accept(run);
    } catch (RuntimeException e) {
      log.warn("the cancel handler failed for flow run {}; it stays registered", run, e);
    }
  }

  private synchronized boolean closed() {
    return closed;
  }
}
