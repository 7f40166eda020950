package dev.sluice.store;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.IngestBatch;
import dev.sluice.api.store.LogCaptureProvider;
import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RunRecorder;
import dev.sluice.wire.journal.Batch;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's one writer, and its queue: callers hand records over and return at once, never
 * waiting on the database; a single daemon thread commits them in one transaction per batch (up to
 * {@link #MAX_BATCH} records), in hand-over order. A small batch first waits {@link #LINGER_MILLIS}
 * for more, so a steady trickle of records (a flow of 1-ms tasks) costs about 100 commits a second,
 * not one per record; a {@link #flush} does not wait.
 *
 * <p>No record is dropped for the database's sake. A batch that fails (a full disk, an I/O error, a
 * lost connection) is retried with growing pauses until it commits ({@link CommitRetries}); records
 * keep arriving meanwhile, in memory up to {@link #CAPACITY} of them, and beyond that on disk
 * ({@link KeptAside}: the journal format of the client's sender, in a directory that can be
 * written), from where they are written first, in order, when the database takes records again. A
 * corrupt database is not written again: everything goes to the journal. What is still unstored
 * when the store closes stays in the journal, said at ERROR with the count and the file, and is
 * stored by the next store that opens the same database.
 *
 * <p>A record batch of another process ({@link #ingest}) is one element, whatever its size, and is
 * never split across transactions.
 *
 * <p>It is also the log capture's {@linkplain LogCaptureProvider.Sink sink}: the lines of the runs
 * it records (and of those that ended recently, for their last messages) go to its queue.
 */
final class BatchWriter implements RunRecorder, LogCaptureProvider.Sink {
  private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

  /** How many records wait in memory before the writer keeps the rest on disk. */
  static final int CAPACITY = 65_536;

  /**
   * How many records wait in memory at most when not even the journal can be written; beyond it
   * they are lost, counted and said at ERROR (memory is not unbounded).
   */
  static final int MEMORY_LIMIT = 4 * CAPACITY;

  static final int MAX_BATCH = 8_192;

  /** How long a small batch waits for more records before it is committed. */
  static final long LINGER_MILLIS = 10;

  /** How long after a failed write to the journal the writer tries again. */
  private static final long KEEP_RETRY_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** Runs whose lines the log capture still takes, after they ended (their last messages). */
  private static final int RECENTLY_ENDED = 1_024;

  private final Database database;
  private final Thread thread;
  private final String source = "store-" + UUID.randomUUID();
  private volatile boolean closing;
  private volatile boolean closed;
  private volatile boolean corrupt;

  // Runs recorded by this writer, by id text (the MDC value), for the log capture.
  private final Map<String, UUID> activeRuns = new ConcurrentHashMap<>();
  private final ArrayDeque<String> ended = new ArrayDeque<>();

  /** Runs this writer started that have not reached a final state, for the cancel watch. */
  private final Set<UUID> unfinished = ConcurrentHashMap.newKeySet();

  /** Called after a run started ({@link #onRunStarted}); the cancel watch wakes up. */
  private volatile Runnable runStarted = () -> {};

  // ---- handed over by producers, taken by the writer

  private final ConcurrentLinkedQueue<Object> memory = new ConcurrentLinkedQueue<>();
  private final AtomicLong memoryRecords = new AtomicLong();
  private final AtomicLong handedOver = new AtomicLong();
  private final AtomicInteger flushesWaiting = new AtomicInteger();

  /** Records lost because neither memory nor a journal could take them. */
  private final AtomicLong lost = new AtomicLong();

  /**
   * Producers hold it shared while they add a record; {@link #close} takes it exclusively to stop
   * them, so no record can slip into the queue after the writer's last look.
   */
  private final ReadWriteLock gate = new ReentrantReadWriteLock();

  /** Records refused because the store was closed or its writer had died; logged once. */
  private final AtomicLong refused = new AtomicLong();

  // ---- committed, for flush and close

  private final Object progress = new Object();
  private long settled; // guarded by progress

  /** Records left unstored when the writer stopped, and where they are; set by the writer. */
  private volatile long unstored;

  private volatile @Nullable Path unstoredIn;

  // ---- the writer thread's own

  private final BatchRows rows;
  private final CommitRetries commits;
  private @Nullable KeptAside kept;
  private @Nullable Current current;
  private final ArrayDeque<Batch> overflow = new ArrayDeque<>();
  private long nextSequence = 1;
  private boolean keepFailing;
  private long keepFailedAtNanos;
  private boolean keptThisOutage;
  private boolean givingUp;

  /**
   * The batch in hand: what is left of it to write ({@code pending}), and whether it is written as
   * a record batch of its source ({@code claim}: it is, or was, a line of a journal).
   */
  private static final class Current {
    final String source;
    final long sequence;
    final int elements;
    List<Object> pending;
    boolean claim;
    KeptAside.@Nullable Taken taken;

    Current(String source, long sequence, int elements, List<Object> records, boolean claim) {
      this.source = source;
      this.sequence = sequence;
      this.elements = elements;
      this.claim = claim;
      this.pending =
          claim
              ? new ArrayList<>(List.of(new IngestBatch(source, sequence, records)))
              : new ArrayList<>(records);
    }

    /** What is left of it, as a journal line. */
    Batch asBatch() {
      List<Object> records =
          claim && pending.size() == 1 && pending.get(0) instanceof IngestBatch b
              ? b.records()
              : pending;
      return new Batch(source, sequence, records, elements);
    }
  }

  BatchWriter(Database database, CommitListeners listeners) {
    this.database = database;
    this.rows = new BatchRows(database, listeners);
    this.commits = new CommitRetries(database, rows, () -> closing, this::pause);
    this.thread = new Thread(this::run, "sluice-store-writer");
    thread.setDaemon(true);
  }

  /** Finds the journals gone processes left for this database, and starts the writer. */
  void start() {
    kept = new KeptAside(database, source);
    thread.start();
  }

  /** From the start: the database is corrupt, nothing is written to it. */
  void startCorrupt() {
    corrupt = true;
  }

  /** Whether journals that gone processes left are still to be stored. */
  boolean replaying() {
    KeptAside k = kept;
    return k != null && k.hasOthers() && thread.isAlive() && !corrupt;
  }

  /** Calls {@code listener} (quickly, on the recording thread) each time a run starts. */
  void onRunStarted(Runnable listener) {
    runStarted = listener;
  }

  /** The runs this writer started that are not final yet: a live view. */
  Set<UUID> unfinishedRuns() {
    return Collections.unmodifiableSet(unfinished);
  }

  /** Records not stored when the store closed (kept in {@link #unstoredIn}, or lost). */
  long unstored() {
    return unstored + lost.get();
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
    if (closed || corrupt || !thread.isAlive()) {
      return false; // refused, or never to be committed here
    }
    long target = handedOver.get();
    long deadline = System.nanoTime() + timeout.toNanos();
    flushesWaiting.incrementAndGet();
    LockSupport.unpark(thread);
    try {
      synchronized (progress) {
        while (settled < target) {
          long left = deadline - System.nanoTime();
          if (left <= 0 || corrupt || !thread.isAlive()) {
            return false;
          }
          TimeUnit.NANOSECONDS.timedWait(
              progress, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
        }
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      flushesWaiting.decrementAndGet();
    }
  }

  /** The id of a run recorded here whose MDC value is {@code idText}, else null. */
  @Override
  public @Nullable UUID activeRun(String idText) {
    return activeRuns.get(idText);
  }

  private void put(Object record) {
    Lock shared = gate.readLock();
    shared.lock();
    try {
      if (closed || (!thread.isAlive() && !closing)) {
        refuse();
        return;
      }
      long weight = record instanceof IngestBatch b ? b.records().size() : 1;
      if (memoryRecords.get() > MEMORY_LIMIT) {
        // Neither the database nor a journal takes records, and memory is not unbounded.
        if (lost.getAndIncrement() == 0) {
          log.error(
              "the run store {} cannot take records, no journal in {} can be written, and {}"
                  + " records wait in memory: records from now on are lost (counted at close)",
              database.display(),
              database.journalDirs,
              memoryRecords.get());
        }
        return;
      }
      handedOver.incrementAndGet();
      memory.add(record);
      if (memoryRecords.getAndAdd(weight) == 0) {
        LockSupport.unpark(thread); // the writer may be idle
      }
    } finally {
      shared.unlock();
    }
  }

  /**
   * A record arrived after the store closed (a run still going when the JVM exits) or after its
   * writer died: it is not stored, and the run goes on. Said once, at ERROR, with the count at
   * close.
   */
  private void refuse() {
    if (refused.getAndIncrement() == 0) {
      log.error(
          "the run store {} is {}; records of runs still going are not stored from now on",
          database.display(),
          closed ? "closed" : "no longer written (its writer stopped; see the error above)");
    }
  }

  /**
   * Stops taking records, commits everything queued (or keeps in the journal what the database does
   * not take), and stops the thread.
   */
  synchronized void close(Duration timeout) {
    if (closed) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    closing = true;
    LockSupport.unpark(thread);
    synchronized (progress) {
      while (settled < handedOver.get() && thread.isAlive() && !corrupt && !givingUp) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(
              progress, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    Lock exclusive = gate.writeLock();
    exclusive.lock();
    try {
      closed = true; // no producer is between its check and its add now
    } finally {
      exclusive.unlock();
    }
    LockSupport.unpark(thread);
    try {
      thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) + 5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
          memoryRecords.get());
      thread.interrupt();
    }
  }

  // ---- the writer thread

  private void run() {
    try {
      while (true) {
        keepAsideIfNeeded();
        if (current == null) {
          current = next();
        }
        Current c = current;
        if (c == null) {
          if (closed && memory.isEmpty()) {
            break;
          }
          idle();
          continue;
        }
        if (corrupt || givingUp) {
          if (closed && memory.isEmpty()) {
            break;
          }
          idle(); // keepAsideIfNeeded moves everything to the journal
          continue;
        }
        switch (commits.commit(c.pending)) {
          case COMMITTED -> {
            current = null;
            if (c.taken != null && c.taken.other() == null) {
              Objects.requireNonNull(kept).ownCommitted();
            }
            if (c.taken == null || c.taken.other() == null) {
              settle(c.elements);
            }
          }
          case CORRUPT -> becameCorrupt();
          case GAVE_UP -> givingUp = true;
        }
      }
    } catch (Throwable t) {
      log.error(
          "the run store writer for {} stopped: {} records are not stored",
          database.display(),
          memoryRecords.get(),
          t);
      throw t;
    } finally {
      rows.disconnect();
      keepTheRest();
      synchronized (progress) {
        progress.notifyAll();
      }
    }
  }

  private void becameCorrupt() {
    corrupt = true;
    Throwable failure = commits.lastFailure();
    log.error(
        "the run store {} is corrupt ({}); Sluice writes nothing more to it and keeps this run's"
            + " records in the journal {}. Restore it from a backup, or copy what can be read to a"
            + " new file (sluice store recover --db OLD.db --to NEW.db), which also stores the kept"
            + " records, and point sluice.store (SLUICE_STORE) at it",
        database.display(),
        failure == null ? "SQLITE_CORRUPT" : failure.getMessage(),
        Objects.requireNonNull(kept).ownFile());
    synchronized (progress) {
      progress.notifyAll();
    }
  }

  /** Waits a little for records, or for a flush or close to ask. */
  private void idle() {
    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(50));
  }

  /** Between attempts of a failing commit: keeps records aside meanwhile. */
  private boolean pause(long millis) {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    long left;
    while ((left = until - System.nanoTime()) > 0) {
      if (Thread.currentThread().isInterrupted()) {
        return false;
      }
      keepAsideIfNeeded();
      LockSupport.parkNanos(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
    }
    return true;
  }

  /** The next batch: journal lines first (of gone processes, then this store's), then memory. */
  private @Nullable Current next() {
    KeptAside k = Objects.requireNonNull(kept);
    if (!corrupt && !givingUp) {
      KeptAside.Taken taken = k.next();
      if (taken != null) {
        Batch b = taken.batch();
        Current c = new Current(b.source(), b.sequence(), b.elements(), b.records(), true);
        c.taken = taken;
        return c;
      }
    }
    Batch waiting = overflow.pollFirst();
    if (waiting != null) {
      return fromMemory(waiting);
    }
    if (memory.isEmpty()) {
      return null;
    }
    if (!closing && memoryRecords.get() < MAX_BATCH / 4 && flushesWaiting.get() == 0) {
      // A trickle of records: let it collect for a moment, so it costs one commit (and one
      // wake-up of this thread) per LINGER instead of one per record.
      LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS));
    }
    Batch batch = takeFromMemory();
    return batch == null ? null : fromMemory(batch);
  }

  private Current fromMemory(Batch batch) {
    boolean ingested = !batch.source().equals(source);
    return new Current(
        batch.source(), batch.sequence(), batch.elements(), batch.records(), ingested);
  }

  /** Up to {@link #MAX_BATCH} records from the head of memory; an ingested batch goes alone. */
  private @Nullable Batch takeFromMemory() {
    List<Object> records = new ArrayList<>();
    while (records.size() < MAX_BATCH) {
      Object record = memory.peek();
      if (record == null) {
        break;
      }
      if (record instanceof IngestBatch ingested) {
        if (!records.isEmpty()) {
          break;
        }
        memory.poll();
        memoryRecords.addAndGet(-ingested.records().size());
        return new Batch(ingested.source(), ingested.sequence(), ingested.records(), 1);
      }
      memory.poll();
      memoryRecords.decrementAndGet();
      records.add(record);
    }
    return records.isEmpty() ? null : new Batch(source, nextSequence++, records, records.size());
  }

  /**
   * Moves what memory holds to the journal when it holds more than {@link #CAPACITY} records, or
   * everything when the database is corrupt or the store gave up on it while closing: the batch in
   * hand first when it came from memory (it is older than anything in memory), then the batches
   * waiting after a failed write to the journal, then memory's records.
   */
  private void keepAsideIfNeeded() {
    boolean all = corrupt || givingUp;
    long inMemory = memoryRecords.get();
    Current c = current;
    boolean currentInMemory = c != null && c.taken == null;
    if (!(all ? inMemory > 0 || !overflow.isEmpty() || currentInMemory : inMemory > CAPACITY)) {
      return;
    }
    if (keepFailing && System.nanoTime() - keepFailedAtNanos < KEEP_RETRY_NANOS && !closed) {
      return;
    }
    List<Batch> chunk = new ArrayList<>();
    if (c != null && currentInMemory) {
      chunk.add(c.asBatch());
    }
    chunk.addAll(overflow);
    overflow.clear();
    for (Batch b; (b = takeFromMemory()) != null; ) {
      chunk.add(b);
    }
    KeptAside k = Objects.requireNonNull(kept);
    try {
      k.append(chunk);
      if (currentInMemory) {
        Batch line = chunk.get(0);
        Current moved =
            new Current(line.source(), line.sequence(), line.elements(), line.records(), true);
        moved.taken = new KeptAside.Taken(line, null, k.skipOwn());
        current = moved;
      }
      if (!keptThisOutage || keepFailing) {
        log.warn(
            "the run store {} does not take records now: they wait in {} and are stored when it"
                + " does",
            database.display(),
            k.ownFile());
        keptThisOutage = true;
      }
      keepFailing = false;
    } catch (IOException | RuntimeException e) {
      // Everything stays in memory, in order: the batches formed wait ahead of memory's records.
      overflow.addAll(currentInMemory ? chunk.subList(1, chunk.size()) : chunk);
      if (!keepFailing) {
        log.error(
            "cannot keep records in a journal in {} ({}); they wait in memory meanwhile, and"
                + " writing a journal is tried again every few seconds",
            k.directories(),
            e.toString());
      }
      keepFailing = true;
      keepFailedAtNanos = System.nanoTime();
    }
  }

  /** The writer stopped: what was not stored goes to the journal; says how many, and where. */
  private void keepTheRest() {
    KeptAside k = kept;
    if (k == null) {
      return;
    }
    boolean wasFailing = corrupt || givingUp;
    givingUp = true;
    keepFailing = false;
    keepAsideIfNeeded();
    long inMemory = memoryRecords.get();
    for (Batch b : overflow) {
      inMemory += b.records().size();
    }
    Current c = current;
    if (c != null && c.taken == null) {
      inMemory += c.elements;
    }
    long inJournal = k.close(c == null ? null : c.taken);
    unstored = inJournal + inMemory;
    unstoredIn = k.ownFile();
    if (inJournal > 0) {
      Throwable failure = commits.lastFailure();
      log.error(
          "the run store {} did not take {} records ({}); they are saved in {} and are stored the"
              + " next time Sluice opens {}",
          database.display(),
          inJournal,
          corrupt ? "it is corrupt" : failure == null ? "it kept failing" : failure.getMessage(),
          k.ownFile(),
          database.display());
    } else if (wasFailing && inMemory == 0 && lost.get() == 0) {
      log.debug("the run store {} closed with nothing unstored", database.display());
    }
    if (inMemory > 0 || lost.get() > 0) {
      log.error(
          "the run store {} lost {} records: neither it nor a journal in {} could take them",
          database.display(),
          inMemory + lost.get(),
          k.directories());
    }
  }

  private void settle(long elements) {
    synchronized (progress) {
      settled += elements;
      progress.notifyAll();
    }
  }
}
