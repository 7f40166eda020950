package dev.sluice.store;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.IngestBatch;
import dev.sluice.api.store.LogCaptureProvider;
import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RunRecorder;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's one writer, and its queue: callers hand records to a bounded queue and return; a
 * single daemon thread drains it and commits what it took in one transaction per batch (up to
 * {@link #MAX_BATCH} records), in hand-over order. A small batch first waits {@link #LINGER_MILLIS}
 * for more, so a steady trickle of records (a flow of 1-ms tasks) costs about 100 commits a second,
 * not one per record; a {@link #flush} does not wait.
 *
 * <p>Back-pressure: the queue holds {@link #CAPACITY} records. When it is full, a caller waits for
 * room (uninterruptibly: an interrupt is kept for later), so a writer that falls behind slows the
 * producers down and no record is ever dropped. A batch that fails (a busy or lost database) is
 * rolled back and retried with growing pauses, reconnecting, until it commits; only when the store
 * is closing and the database keeps failing does the writer give up, saying at ERROR how many
 * records were not stored.
 *
 * <p>The jobs, one per file: this class is the queue and the writer thread's loop; {@link
 * CommitRetries} the retry loop around each batch's commit; {@link BatchRows} the mapping of a
 * batch's records to rows in one transaction ({@link RecordRows}: the records as rows; {@link
 * TaskRow}: one task run's upsert; {@link Statements}: the SQL).
 *
 * <p>A record batch of another process ({@link #ingest}) is one element of the queue, whatever its
 * size, and is never split across transactions.
 *
 * <p>It is also the log capture's {@linkplain LogCaptureProvider.Sink sink}: the lines of the runs
 * it records (and of those that ended recently, for their last messages) go to its queue.
 */
final class BatchWriter implements RunRecorder, LogCaptureProvider.Sink {
  private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

  static final int CAPACITY = 65_536;
  static final int MAX_BATCH = 8_192;

  /** How long a small batch waits for more records before it is committed. */
  static final long LINGER_MILLIS = 10;

  /** Runs whose lines the log capture still takes, after they ended (their last messages). */
  private static final int RECENTLY_ENDED = 1_024;

  private final Database database;
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final Thread thread;
  private volatile boolean closing;
  private volatile boolean closed;

  // Runs recorded by this writer, by id text (the MDC value), for the log capture.
  private final Map<String, UUID> activeRuns = new ConcurrentHashMap<>();
  private final ArrayDeque<String> ended = new ArrayDeque<>();

  /** Runs this writer started that have not reached a final state, for the cancel watch. */
  private final Set<UUID> unfinished = ConcurrentHashMap.newKeySet();

  /** Called after a run started ({@link #onRunStarted}); the cancel watch wakes up. */
  private volatile Runnable runStarted = () -> {};

  // Writer thread only: the row mapping and, around it, the retry loop.
  private final BatchRows rows;
  private final CommitRetries commits;

  /**
   * Producers hold it shared while they add a record; {@link #close} takes it exclusively to stop
   * them, so no record can slip into the queue after the last one was written.
   */
  private final java.util.concurrent.locks.ReadWriteLock gate =
      new java.util.concurrent.locks.ReentrantReadWriteLock();

  /** Records refused because the store was closed or its writer had died; logged once. */
  private final java.util.concurrent.atomic.AtomicLong refused =
      new java.util.concurrent.atomic.AtomicLong();

  /** A flush in the queue: counted down once everything queued before it is committed. */
  record Flush(CountDownLatch done) {}

  BatchWriter(Database database, CommitListeners listeners) {
    this.database = database;
    this.rows = new BatchRows(database, listeners);
    this.commits = new CommitRetries(database, rows, () -> closing, queue);
    this.thread = new Thread(this::run, "sluice-store-writer");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Calls {@code listener} (quickly, on the recording thread) each time a run starts. */
  void onRunStarted(Runnable listener) {
    runStarted = listener;
  }

  /** The runs this writer started that are not final yet: a live view. */
  Set<UUID> unfinishedRuns() {
    return Collections.unmodifiableSet(unfinished);
  }

  // ---- RunRecorder: any thread

  @Override
  public void flowRunStarted(FlowRunStart start) {
    activeRuns.put(start.flowRunId().toString(), start.flowRunId());
    unfinished.add(start.flowRunId());
    put(start);
    runStarted.run();
  }

  @Override
  public void flowRunStateChanged(FlowRunEvent event) {
    put(event);
    if (event.state().isFinal()) {
      unfinished.remove(event.flowRunId());
      String id = event.flowRunId().toString();
      synchronized (ended) {
        ended.addLast(id);
        if (ended.size() > RECENTLY_ENDED) {
          activeRuns.remove(ended.removeFirst());
        }
      }
    }
  }

  @Override
  public void taskRunStateChanged(TaskRunEvent event) {
    put(event);
  }

  @Override
  public void log(LogLine line) {
    put(line);
  }

  /**
   * Queues {@code batch} as one element. Its runs are not this process's: they are neither in
   * {@link #activeRun} (their lines come in batches, not from this process's log capture) nor in
   * {@link #unfinishedRuns} (their process watches their cancel requests, through the server).
   */
  @Override
  public void ingest(IngestBatch batch) {
    put(batch);
  }

  @Override
  public boolean flush(Duration timeout) {
    CountDownLatch done = new CountDownLatch(1);
    if (!put(new Flush(done))) {
      return false; // refused: the store is closed, or its writer stopped
    }
    try {
      return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The id of a run recorded here whose MDC value is {@code idText}, else null. */
  @Override
  public @Nullable UUID activeRun(String idText) {
    return activeRuns.get(idText);
  }

  /** Queues {@code record}; false when it was refused (the store closed, or its writer died). */
  private boolean put(Object record) {
    java.util.concurrent.locks.Lock shared = gate.readLock();
    shared.lock();
    try {
      if (closed || (!thread.isAlive() && !closing)) {
        refuse(record);
        return false;
      }
      if (queue.offer(record)) {
        return true;
      }
      boolean interrupted = false;
      boolean offered = false;
      while (!offered && thread.isAlive()) {
        try {
          offered = queue.offer(record, 100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          interrupted = true; // a task being cancelled still gets its record stored
        }
      }
      if (!offered) {
        refuse(record);
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      return offered;
    } finally {
      shared.unlock();
    }
  }

  /**
   * A record arrived after the store closed (a run still going when the JVM exits) or after its
   * writer died: it is not stored, and the run goes on. Said once, at ERROR, with the count at
   * close.
   */
  private void refuse(Object record) {
    release(record);
    if (refused.getAndIncrement() == 0) {
      log.error(
          "the run store {} is {}; records of runs still going are not stored from now on",
          database.display(),
          closed ? "closed" : "no longer written (its writer stopped; see the error above)");
    }
  }

  /** Stops taking records, commits everything queued, and stops the thread. */
  synchronized void close(Duration timeout) {
    if (closed) {
      return;
    }
    closing = true;
    try {
      thread.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    java.util.concurrent.locks.Lock exclusive = gate.writeLock();
    exclusive.lock();
    try {
      closed = true; // no producer is between its check and its offer now
    } finally {
      exclusive.unlock();
    }
    if (!thread.isAlive() && !queue.isEmpty()) {
      // Records added after the writer found the queue empty and stopped: written here.
      List<Object> rest = new ArrayList<>();
      queue.drainTo(rest);
      if (commits.commit(rest)) {
        rows.disconnect();
      }
    }
    if (refused.get() > 0) {
      log.error(
          "the run store {} refused {} records of runs still going when it closed or stopped",
          database.display(),
          refused.get());
    }
    if (thread.isAlive()) {
      log.error(
          "the run store writer for {} did not finish within {}; {} records were not stored",
          database.display(),
          timeout,
          queue.size());
      thread.interrupt();
    }
  }

  // ---- the writer thread

  private void run() {
    List<Object> batch = new ArrayList<>(MAX_BATCH);
    try {
      while (true) {
        Object first;
        try {
          first = queue.poll(50, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          break;
        }
        if (first == null) {
          if (closing && queue.isEmpty()) {
            break;
          }
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        if (batch.size() < MAX_BATCH / 4
            && !closing
            && batch.stream().noneMatch(r -> r instanceof Flush)) {
          // A trickle of records: let it collect for a moment, so it costs one commit (and one
          // wake-up of this thread) per LINGER instead of one per record. The writer sleeps
          // rather than waiting on the queue, so producers' offers wake nobody meanwhile.
          try {
            Thread.sleep(LINGER_MILLIS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          queue.drainTo(batch, MAX_BATCH - batch.size());
        }
        if (!commits.commit(batch)) {
          break;
        }
        batch.clear();
      }
    } catch (Throwable t) {
      log.error(
          "the run store writer for {} stopped: {} records are not stored",
          database.display(),
          batch.size() + queue.size(),
          t);
      batch.forEach(BatchWriter::release);
      queue.forEach(BatchWriter::release);
      throw t;
    } finally {
      rows.disconnect();
    }
  }

  /** Releases a record that will not be written: a flush waiting on it returns. */
  static void release(Object record) {
    if (record instanceof Flush flush) {
      flush.done().countDown();
    }
  }
}
