package dev.sluice.client;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.IngestBatch;
import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RunRecorder;
import dev.sluice.client.SluiceClient.RecordAnswer;
import dev.sluice.wire.journal.Batch;
import dev.sluice.wire.journal.Journal;
import dev.sluice.wire.journal.JournalDir;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write side of the store that records through the server: callers hand records over and return
 * at once; one sender thread sends them, in hand-over order, as batches of up to {@code api.batch}
 * records ({@code POST /api/v1/records}), each numbered in this store's sequence so that the server
 * stores a batch once however often it arrives.
 *
 * <p>The hot path never waits on the network. A batch the server does not take (no connection, a
 * 5xx, a timeout) is sent again — the same batch, with the same number — after 100 ms, then twice
 * as long each time up to 5 s, until it is taken or the store closes; meanwhile records collect in
 * memory, and beyond {@code api.queue} of them the sender moves them to this store's journal on
 * disk ({@link Journal}), from which it sends them first, in order, when the server is back. A
 * batch the server refuses as malformed (a 4xx other than 401, 403, 408 and 429) cannot succeed
 * later: it is dropped, at ERROR. A refused token (401, 403) is a configuration problem, not a
 * malformed batch: its records are kept and sent again, and kept in the journal when the store
 * closes, for a process with the right token.
 *
 * <p>On opening, the journals left by stores that are gone ({@link JournalDir#leftBehind}) are sent
 * before anything else, as their own batches (their source and numbers), then deleted. Every
 * request names this store's unfinished flow runs; the server's answer names those whose cancel was
 * requested, and each is told to the cancel handler once. While runs are unfinished and nothing was
 * sent for a second, the sender asks anyway (a batch of sequence 0), so that a cancel arrives
 * within about a second.
 *
 * <p>{@link #close} sends what is left for up to its timeout; what the server did not take by then
 * stays in the journal, for the next process with the same {@code api.url} and {@code
 * api.journal-dir}.
 */
final class RecordSender implements RunRecorder {
  private static final Logger log = LoggerFactory.getLogger(RecordSender.class);

  /** How long a small batch waits for more records, so a trickle costs few requests. */
  static final long LINGER_MILLIS = 5;

  /** How long, while runs are unfinished, the sender goes without asking about cancels. */
  static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

  /** The longest the sender sleeps without looking at the memory queue. */
  private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** How often a lasting failure to reach the server is logged again. */
  private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

  /** How long after a failed write to the journal the sender tries again. */
  private static final long SPILL_RETRY_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** How long {@link #close} waits for the sender to stop after giving up on the server. */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  /** Sends a batch; with sequence 0 and no records it only asks which active runs to cancel. */
  interface Poster {
    /**
     * Starts sending; the future fails with {@link SluiceApiException} for an error answer and
     * {@link java.io.UncheckedIOException} when no answer came.
     *
     * @throws RuntimeException when the batch cannot even be encoded (it never will be)
     */
    CompletableFuture<RecordAnswer> post(
        String source, long sequence, List<Object> records, List<UUID> active);
  }

  /** Where the batch being sent came from. */
  private enum Origin {
    /** Taken from memory; on disk nowhere. */
    MEMORY,
    /** A line of this store's journal. */
    OWN_JOURNAL,
    /** A line of the journal of a store that is gone. */
    OTHER_JOURNAL
  }

  /** The batch being sent, where it came from, and where its journal line starts (-1: none). */
  private record Current(Batch batch, Origin origin, long offset) {}

  /** A journal of a store that is gone, being sent. */
  private record Other(Journal journal, String source) {}

  private enum Result {
    SENT,
    RETRY,
    DROPPED,
    ABANDONED
  }

  private final String source;
  private final String url;
  private final Poster poster;
  private final ActiveRuns runs;
  private final JournalDir journals;
  private final int queueLimit;
  private final int batchMax;

  // ---- handed over by producers, taken by the sender

  private final ConcurrentLinkedQueue<Object> memory = new ConcurrentLinkedQueue<>();

  /** The records in {@link #memory} (an ingested batch counts its records). */
  private final AtomicLong memoryRecords = new AtomicLong();

  /** How many things were handed over: records, or ingested batches. */
  private final AtomicLong handedOver = new AtomicLong();

  private final AtomicBoolean spillAsked = new AtomicBoolean();
  private volatile boolean idle;

  /**
   * Producers hold it shared while they check {@link #closed} and add; {@link #close} takes it to
   * set {@link #closed}, so no record slips in after the last look at the queue.
   */
  private final ReadWriteLock gate = new ReentrantReadWriteLock();

  private volatile boolean closing;
  private volatile boolean closed;
  private volatile boolean stopNow;
  private volatile boolean dead;
  private boolean closeDone; // guarded by this
  private final AtomicLong refused = new AtomicLong();
  private volatile @Nullable Consumer<UUID> cancelHandler;

  // ---- what the server acknowledged, for flush and close

  private final Object progress = new Object();
  private long settled; // guarded by progress
  private boolean othersDone; // guarded by progress

  // ---- the sender thread's own

  private final Thread thread;
  private @Nullable Current current;
  private long nextSequence = 1;
  private @Nullable Journal own;
  private final ArrayDeque<Batch> overflow = new ArrayDeque<>();
  private final ArrayDeque<Other> others = new ArrayDeque<>();
  private final Backoff backoff = new Backoff();
  private long lastPostNanos = System.nanoTime();
  private boolean failing;
  private long lastWarnNanos;
  private boolean spillFailing;
  private long spillFailedAtNanos;
  private boolean spilledThisOutage;

  RecordSender(
      String source,
      String url,
      Poster poster,
      ActiveRuns runs,
      JournalDir journals,
      int queueLimit,
      int batchMax) {
    this.source = source;
    this.url = url;
    this.poster = poster;
    this.runs = runs;
    this.journals = journals;
    this.queueLimit = queueLimit;
    this.batchMax = batchMax;
    this.thread = new Thread(this::run, "sluice-client-sender");
    thread.setDaemon(true);
    JournalDir.opened(source);
    for (Path file : journals.leftBehind(source)) {
      adopt(file);
    }
    synchronized (progress) {
      othersDone = others.isEmpty();
    }
  }

  private void adopt(Path file) {
    String name = file.getFileName().toString();
    String other = name.substring(0, name.length() - JournalDir.JOURNAL.length());
    try {
      Journal journal = Journal.open(file);
      if (journal.tornBytes() > 0) {
        log.warn(
            "the journal {} ends with {} bytes of a batch its process was writing when it died;"
                + " that batch was never sent and is ignored",
            file,
            journal.tornBytes());
      }
      log.info(
          "sending the {} batches of records that an earlier Sluice process left in {} to the"
              + " Sluice server at {} first",
          journal.untakenBatches(),
          file,
          url);
      others.addLast(new Other(journal, other));
    } catch (IOException e) {
      log.warn("cannot read the journal {} an earlier process left: {}", file, e.toString());
    }
  }

  void start() {
    thread.start();
  }

  /** This store's id, the {@code source} of its batches. */
  String source() {
    return source;
  }

  /** Sets the handler told of each cancel request; replaces an earlier one. */
  void onCancelRequested(Consumer<UUID> handler) {
    this.cancelHandler = handler;
  }

  // ---- RunRecorder: any thread, never waiting on the network

  @Override
  public void flowRunStarted(FlowRunStart start) {
    runs.started(start.flowRunId());
    add(start, 1);
  }

  @Override
  public void flowRunStateChanged(FlowRunEvent event) {
    add(event, 1);
    if (event.state().isFinal()) {
      runs.ended(event.flowRunId());
    }
  }

  @Override
  public void taskRunStateChanged(TaskRunEvent event) {
    add(event, 1);
  }

  @Override
  public void log(LogLine line) {
    add(line, 1);
  }

  @Override
  public void ingest(IngestBatch batch) {
    add(batch, batch.records().size());
  }

  @Override
  public boolean flush(Duration timeout) {
    if (closed || dead) {
      return false; // records handed over now are refused: nothing can be committed
    }
    long target = handedOver.get();
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (progress) {
      while (settled < target) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || dead) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(progress, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return true;
  }

  private void add(Object record, long weight) {
    Lock shared = gate.readLock();
    shared.lock();
    try {
      if (closed || dead) {
        refuse();
        return;
      }
      // Counted before it is queued, so a flush counts every record queued ahead of its own.
      handedOver.incrementAndGet();
      memory.add(record);
      long inMemory = memoryRecords.addAndGet(weight);
      if (inMemory > queueLimit) {
        if (spillAsked.compareAndSet(false, true)) {
          LockSupport.unpark(thread);
        }
      } else if (idle) {
        LockSupport.unpark(thread);
      }
    } finally {
      shared.unlock();
    }
  }

  private void refuse() {
    if (refused.getAndIncrement() == 0) {
      log.error(
          "the run store that records through the Sluice server at {} is {}; records of runs"
              + " still going are not recorded from now on",
          url,
          dead ? "no longer sending (its sender stopped; see the error above)" : "closed");
    }
  }

  // ---- close

  /**
   * Sends what is left, for up to {@code timeout}; keeps in the journal what the server did not
   * take by then, and says so at WARN.
   */
  synchronized void close(Duration timeout) {
    if (closeDone) {
      return;
    }
    closeDone = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    closing = true;
    LockSupport.unpark(thread);
    if (thread.isAlive()) {
      awaitQuiet(deadline);
    }
    Lock exclusive = gate.writeLock();
    exclusive.lock();
    try {
      closed = true;
    } finally {
      exclusive.unlock();
    }
    LockSupport.unpark(thread);
    join(deadline - System.nanoTime());
    if (thread.isAlive()) {
      stopNow = true;
      LockSupport.unpark(thread);
      join(STOP_TIMEOUT.toNanos());
    }
    if (thread.isAlive()) {
      log.error(
          "the sender of records to the Sluice server at {} did not stop within {}; records it"
              + " holds are not kept",
          url,
          STOP_TIMEOUT);
    } else {
      keepTheRest(timeout);
    }
    JournalDir.closed(source);
    if (refused.get() > 0) {
      log.error(
          "the run store that records through the Sluice server at {} refused {} records of runs"
              + " still going when it closed",
          url,
          refused.get());
    }
  }

  /** Waits until everything handed over is settled and the journals of others are sent. */
  private void awaitQuiet(long deadline) {
    synchronized (progress) {
      while (!(settled >= handedOver.get() && othersDone) && thread.isAlive() && !dead) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(progress, Math.min(left, MAX_PARK_NANOS));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void join(long nanos) {
    if (nanos <= 0) {
      return;
    }
    try {
      thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * After the sender stopped: writes what it did not send to the journal, behind what the journal
   * holds, and drops the batches the server took from its start; deletes the journal when nothing
   * is left.
   */
  private void keepTheRest(Duration timeout) {
    List<Batch> rest = new ArrayList<>();
    Current c = current;
    if (c != null && c.origin() == Origin.MEMORY) {
      rest.add(c.batch()); // its journal is empty: nothing older waits
    }
    rest.addAll(overflow);
    overflow.clear();
    drainMemory(rest, Long.MAX_VALUE);
    Journal journal = own;
    try {
      if (!rest.isEmpty()) {
        journal = ensureOwn();
        journal.append(rest);
      }
    } catch (IOException | RuntimeException e) {
      log.error(
          "cannot keep {} records the Sluice server at {} did not take in the journal {}; they"
              + " are lost: {}",
          rest.stream().mapToLong(Batch::elements).sum(),
          url,
          journals.journal(source),
          e.toString());
    }
    if (journal != null) {
      keepJournal(journal, c != null && c.origin() == Origin.OWN_JOURNAL ? c : null, timeout);
    }
    for (Other other : others) {
      try {
        other.journal().close();
      } catch (IOException e) {
        log.debug("cannot close {}: {}", other.journal().file(), e.toString());
      }
      log.warn(
          "the Sluice server at {} did not take all the records an earlier process left in {};"
              + " the file stays, and the next Sluice process with api.url={} and"
              + " api.journal-dir={} sends them",
          url,
          other.journal().file(),
          url,
          journals.dir());
    }
  }

  private void keepJournal(Journal journal, @Nullable Current taken, Duration timeout) {
    try {
      long unsent = journal.untakenElements() + (taken == null ? 0 : taken.batch().elements());
      if (taken == null && !journal.hasUntaken()) {
        journal.delete();
        journals.delete(source);
        return;
      }
      journal.compactFrom(taken != null ? taken.offset() : journal.firstUntakenOffset());
      journal.close();
      log.warn(
          "the Sluice server at {} did not take {} records within {}; they are kept in {}, and"
              + " the next Sluice process with api.url={} and api.journal-dir={} sends them",
          url,
          unsent,
          timeout,
          journal.file(),
          url,
          journals.dir());
    } catch (IOException e) {
      log.error("cannot finish the journal {}: {}", journal.file(), e.toString());
    }
  }

  // ---- the sender thread

  private void run() {
    try {
      while (!stopNow) {
        spillIfAsked();
        if (current == null) {
          current = next();
        }
        Current c = current;
        if (c == null) {
          if (closed && memory.isEmpty()) {
            break;
          }
          idleOrPoll();
          continue;
        }
        switch (send(c)) {
          case SENT, DROPPED -> {
            current = null;
            settle(c);
          }
          case RETRY -> pause(backoff.next());
          case ABANDONED -> {}
        }
      }
    } catch (Throwable t) {
      dead = true;
      log.error(
          "the sender of records to the Sluice server at {} stopped; records from now on are not"
              + " recorded",
          url,
          t);
      synchronized (progress) {
        progress.notifyAll();
      }
      throw t;
    }
  }

  /** The next batch to send: journals of others, then this store's journal, then memory. */
  private @Nullable Current next() {
    while (!others.isEmpty()) {
      Other other = others.getFirst();
      if (other.journal().hasUntaken()) {
        try {
          Journal.Entry entry = other.journal().take();
          return new Current(entry.batch(), Origin.OTHER_JOURNAL, entry.offset());
        } catch (IOException e) {
          log.error("{}; it is skipped", e.getMessage());
          continue;
        }
      }
      finish(others.removeFirst());
    }
    Journal journal = own;
    while (journal != null && journal.hasUntaken()) {
      try {
        Journal.Entry entry = journal.take();
        return new Current(entry.batch(), Origin.OWN_JOURNAL, entry.offset());
      } catch (Journal.CorruptEntry e) {
        log.error("{}; it is skipped, and its records are lost", e.getMessage());
        settle(e.elements());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(
            "cannot read the journal " + journal.file() + ": " + e.getMessage(), e);
      }
    }
    Batch waiting = overflow.pollFirst();
    if (waiting != null) {
      return new Current(waiting, Origin.MEMORY, -1);
    }
    if (memory.isEmpty()) {
      return null;
    }
    if (!closing && memoryRecords.get() < batchMax / 4) {
      linger();
    }
    Batch batch = takeFromMemory();
    return batch == null ? null : new Current(batch, Origin.MEMORY, -1);
  }

  private void finish(Other other) {
    try {
      other.journal().delete();
      journals.delete(other.source());
      log.info("sent the records an earlier process left in {}", other.journal().file());
    } catch (IOException e) {
      log.warn(
          "sent the records an earlier process left in {}, but cannot delete it: {}",
          other.journal().file(),
          e.toString());
    }
    if (others.isEmpty()) {
      synchronized (progress) {
        othersDone = true;
        progress.notifyAll();
      }
    }
  }

  private void linger() {
    try {
      Thread.sleep(LINGER_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A batch of the records at the head of memory: up to {@code api.batch} of them and about {@link
   * RecordSizes#MAX_BATCH_CHARS}; an ingested batch goes alone, as its own. Null when memory is
   * empty.
   */
  private @Nullable Batch takeFromMemory() {
    List<Object> records = new ArrayList<>(Math.min(batchMax, 1024));
    long chars = 0;
    while (records.size() < batchMax) {
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
      long size = RecordSizes.estimate(record);
      if (!records.isEmpty() && chars + size > RecordSizes.MAX_BATCH_CHARS) {
        break;
      }
      memory.poll();
      memoryRecords.decrementAndGet();
      records.add(record);
      chars += size;
    }
    if (records.isEmpty()) {
      return null;
    }
    return new Batch(source, nextSequence++, records, records.size());
  }

  /** Moves up to {@code max} records from memory into {@code into}, as batches. */
  private void drainMemory(List<Batch> into, long max) {
    long taken = 0;
    while (taken < max) {
      Batch batch = takeFromMemory();
      if (batch == null) {
        return;
      }
      into.add(batch);
      taken += batch.records().size();
    }
  }

  private Result send(Current c) {
    Batch batch = c.batch();
    CompletableFuture<RecordAnswer> answer;
    try {
      answer = poster.post(batch.source(), batch.sequence(), batch.records(), runs.unfinished());
    } catch (RuntimeException e) {
      log.error(
          "cannot send batch {} of {} ({} records) to the Sluice server at {}: {}; it is"
              + " dropped — this is a bug, please report it",
          batch.sequence(),
          batch.source(),
          batch.records().size(),
          url,
          e.toString(),
          e);
      return Result.DROPPED;
    }
    await(answer);
    if (!answer.isDone()) {
      answer.cancel(true);
      return Result.ABANDONED;
    }
    lastPostNanos = System.nanoTime();
    try {
      RecordAnswer a = answer.get();
      recovered();
      tellCancels(a);
      return Result.SENT;
    } catch (ExecutionException | CompletionException | CancellationException e) {
      return failed(batch, unwrap(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Result.RETRY;
    }
  }

  private Result failed(Batch batch, Throwable failure) {
    if (failure instanceof SluiceApiException e && !e.isRetryable() && !isAuth(e)) {
      log.error(
          "the Sluice server at {} refused batch {} of {} ({} records): {} {}: {}; it is dropped,"
              + " as sending it again cannot succeed — this is a bug, please report it",
          url,
          batch.sequence(),
          batch.source(),
          batch.records().size(),
          e.status(),
          e.error(),
          e.detail());
      return Result.DROPPED;
    }
    long now = System.nanoTime();
    if (!failing || now - lastWarnNanos > WARN_EVERY_NANOS) {
      lastWarnNanos = now;
      if (failure instanceof SluiceApiException e && isAuth(e)) {
        log.error(
            "{}; this process's records are kept and sent again, and kept in the journal when it"
                + " ends: give it a token with the agent scope (api.token)",
            e.getMessage());
      } else {
        log.warn(
            "{}; records are kept and sent again every few seconds, in memory and beyond {} of"
                + " them in the journal in {}",
            failure.getMessage(),
            queueLimit,
            journals.dir());
      }
    }
    failing = true;
    return Result.RETRY;
  }

  private static boolean isAuth(SluiceApiException e) {
    return e.status() == 401 || e.status() == 403;
  }

  private void recovered() {
    if (failing) {
      log.info(
          "the Sluice server at {} takes records again, after {} failed attempts",
          url,
          backoff.failures());
      failing = false;
    }
    backoff.reset();
  }

  private static Throwable unwrap(Throwable t) {
    Throwable cause = t;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** Waits for {@code answer}, moving records to the journal meanwhile when memory fills. */
  private void await(CompletableFuture<?> answer) {
    Thread self = Thread.currentThread();
    var unused = answer.whenComplete((a, t) -> LockSupport.unpark(self));
    while (!answer.isDone() && !stopNow) {
      spillIfAsked();
      LockSupport.parkNanos(this, MAX_PARK_NANOS);
    }
  }

  /** Sleeps before sending again, moving records to the journal meanwhile when memory fills. */
  private void pause(Duration pause) {
    long until = System.nanoTime() + pause.toNanos();
    long left;
    while (!stopNow && (left = until - System.nanoTime()) > 0) {
      spillIfAsked();
      LockSupport.parkNanos(this, Math.min(left, MAX_PARK_NANOS));
    }
  }

  private void idleOrPoll() {
    long sinceLast = System.nanoTime() - lastPostNanos;
    if (!runs.isEmpty() && sinceLast >= POLL_INTERVAL.toNanos() && !closing) {
      poll();
      return;
    }
    idle = true;
    try {
      if (memory.isEmpty() && !closed && !stopNow) {
        long wait = runs.isEmpty() ? POLL_INTERVAL.toNanos() : POLL_INTERVAL.toNanos() - sinceLast;
        LockSupport.parkNanos(this, Math.max(1, Math.min(wait, POLL_INTERVAL.toNanos())));
      }
    } finally {
      idle = false;
    }
  }

  /** Asks which active runs to cancel; a failure is left for the next poll. */
  private void poll() {
    CompletableFuture<RecordAnswer> answer;
    try {
      answer = poster.post(source, 0, List.of(), runs.unfinished());
    } catch (RuntimeException e) {
      lastPostNanos = System.nanoTime();
      log.debug("cannot ask the Sluice server at {} about cancels: {}", url, e.toString());
      return;
    }
    await(answer);
    lastPostNanos = System.nanoTime();
    if (!answer.isDone()) {
      answer.cancel(true);
      return;
    }
    try {
      tellCancels(answer.get());
    } catch (ExecutionException | CancellationException e) {
      log.debug("cannot ask the Sluice server at {} about cancels: {}", url, unwrap(e).toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void tellCancels(RecordAnswer answer) {
    Consumer<UUID> handler = cancelHandler;
    if (handler == null) {
      return;
    }
    for (UUID id : answer.cancelRequested()) {
      if (runs.firstCancel(id)) {
        try {
          handler.accept(id);
        } catch (RuntimeException e) {
          log.warn("the handler of the cancel request of flow run {} failed", id, e);
        }
      }
    }
  }

  private void settle(Current c) {
    if (c.origin() == Origin.OTHER_JOURNAL) {
      return; // another store's records; its journal is deleted when all are sent
    }
    if (c.origin() == Origin.OWN_JOURNAL) {
      Journal journal = own;
      if (journal != null && !journal.hasUntaken()) {
        try {
          journal.clear();
          spilledThisOutage = false;
        } catch (IOException e) {
          log.warn("cannot empty the journal {}: {}", journal.file(), e.toString());
        }
      }
    }
    settle(c.batch().elements());
  }

  private void settle(long elements) {
    synchronized (progress) {
      settled += elements;
      progress.notifyAll();
    }
  }

  // ---- the journal

  /**
   * Moves what memory holds to the journal when it holds more than {@code api.queue} records: the
   * batch being sent first when it came from memory (it is older than anything else in memory),
   * then the batches waiting after a failed write, then memory's records, as batches numbered now.
   */
  private void spillIfAsked() {
    long inMemory = memoryRecords.get();
    if (inMemory <= queueLimit) {
      return;
    }
    if (spillFailing && System.nanoTime() - spillFailedAtNanos < SPILL_RETRY_NANOS) {
      return;
    }
    spillAsked.set(false);
    List<Batch> chunk = new ArrayList<>();
    Current c = current;
    Current fromMemory = c != null && c.origin() == Origin.MEMORY ? c : null;
    boolean withCurrent = fromMemory != null;
    if (fromMemory != null) {
      chunk.add(fromMemory.batch());
    }
    chunk.addAll(overflow);
    overflow.clear();
    drainMemory(chunk, inMemory);
    try {
      Journal journal = ensureOwn();
      journal.append(chunk);
      if (fromMemory != null) {
        current = new Current(fromMemory.batch(), Origin.OWN_JOURNAL, journal.skip());
      }
      if (!spilledThisOutage || spillFailing) {
        log.info(
            "the Sluice server at {} is slow or away: records wait in the journal {} until it"
                + " takes them",
            url,
            journal.file());
        spilledThisOutage = true;
      }
      spillFailing = false;
    } catch (IOException | RuntimeException e) {
      // Everything stays in memory, in order: the batches formed wait ahead of memory's records.
      overflow.addAll(withCurrent ? chunk.subList(1, chunk.size()) : chunk);
      if (!spillFailing) {
        log.error(
            "cannot write the journal {} ({}); records wait in memory meanwhile, and writing is"
                + " tried again every few seconds",
            journals.journal(source),
            e.toString());
      }
      spillFailing = true;
      spillFailedAtNanos = System.nanoTime();
    }
  }

  private Journal ensureOwn() throws IOException {
    Journal journal = own;
    if (journal == null) {
      journal = journals.create(source);
      own = journal;
    }
    return journal;
  }
}
