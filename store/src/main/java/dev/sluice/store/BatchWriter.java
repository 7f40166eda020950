package dev.sluice.store;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.State;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RunRecorder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * The store's one writer: callers hand records to a bounded queue and return; a single daemon
 * thread drains it and commits what it took in one transaction per batch (up to {@link #MAX_BATCH}
 * records), in hand-over order. A small batch first waits {@link #LINGER_MILLIS} for more, so a
 * steady trickle of records (a flow of 1-ms tasks) costs about 100 commits a second, not one per
 * record; a {@link #flush} does not wait.
 *
 * <p>Back-pressure: the queue holds {@link #CAPACITY} records. When it is full, a caller waits for
 * room (uninterruptibly: an interrupt is kept for later), so a writer that falls behind slows the
 * producers down and no record is ever dropped. A batch that fails (a busy or lost database) is
 * rolled back and retried with growing pauses, reconnecting, until it commits; only when the store
 * is closing and the database keeps failing does the writer give up, saying at ERROR how many
 * records were not stored.
 */
final class BatchWriter implements RunRecorder {
  private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

  static final int CAPACITY = 65_536;
  static final int MAX_BATCH = 8_192;

  /** How long a small batch waits for more records before it is committed. */
  static final long LINGER_MILLIS = 10;

  /** Runs whose lines the log capture still takes, after they ended (their last messages). */
  private static final int RECENTLY_ENDED = 1_024;

  private static final int GIVE_UP_AFTER_WHEN_CLOSING = 5;

  /** After this many failures of one batch, its records are tried one by one (poison check). */
  private static final int POISON_CHECK_AFTER = 3;

  private final Database database;
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final Thread thread;
  private volatile boolean closing;
  private volatile boolean closed;

  // Runs recorded by this writer, by id text (the MDC value), for the log capture.
  private final Map<String, UUID> activeRuns = new ConcurrentHashMap<>();
  private final ArrayDeque<String> ended = new ArrayDeque<>();

  // Writer thread only.
  private @Nullable Connection connection;
  private @Nullable Statements statements;
  private final Map<UUID, Set<String>> stepsByRun = new HashMap<>();
  private final Set<String> flowsWritten = new HashSet<>();

  /** What the batch being written adds to the two sets above, applied once it is committed. */
  private final List<String> flowsInBatch = new ArrayList<>();

  private final List<UUID> runsEndedInBatch = new ArrayList<>();

  /**
   * Producers hold it shared while they add a record; {@link #close} takes it exclusively to stop
   * them, so no record can slip into the queue after the last one was written.
   */
  private final java.util.concurrent.locks.ReadWriteLock gate =
      new java.util.concurrent.locks.ReentrantReadWriteLock();

  /** Records refused because the store was closed or its writer had died; logged once. */
  private final java.util.concurrent.atomic.AtomicLong refused =
      new java.util.concurrent.atomic.AtomicLong();

  private record Flush(CountDownLatch done) {}

  BatchWriter(Database database) {
    this.database = database;
    this.thread = new Thread(this::run, "sluice-store-writer");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  // ---- RunRecorder: any thread

  @Override
  public void flowRunStarted(FlowRunStart start) {
    activeRuns.put(start.flowRunId().toString(), start.flowRunId());
    put(start);
  }

  @Override
  public void flowRunStateChanged(FlowRunEvent event) {
    put(event);
    if (event.state().isFinal()) {
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

  @Override
  public boolean flush(Duration timeout) {
    CountDownLatch done = new CountDownLatch(1);
    put(new Flush(done));
    try {
      return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The id of a run recorded here whose MDC value is {@code idText}, else null. */
  @Nullable UUID activeRun(String idText) {
    return activeRuns.get(idText);
  }

  private void put(Object record) {
    java.util.concurrent.locks.Lock shared = gate.readLock();
    shared.lock();
    try {
      if (closed || (!thread.isAlive() && !closing)) {
        refuse(record);
        return;
      }
      if (queue.offer(record)) {
        return;
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
      if (writeWithRetries(rest)) {
        disconnect();
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
        if (!writeWithRetries(batch)) {
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
      disconnect();
    }
  }

  private boolean writeWithRetries(List<Object> batch) {
    long pauseMillis = 50;
    for (int failures = 0; ; failures++) {
      try {
        write(batch);
        return true;
      } catch (SQLException | RuntimeException e) {
        disconnect();
        if (failures == POISON_CHECK_AFTER - 1 && batch.size() > 1 && writeAlone(batch)) {
          return true;
        }
        if (closing && failures >= GIVE_UP_AFTER_WHEN_CLOSING) {
          log.error(
              "the run store {} keeps failing while closing; {} records were not stored",
              database.display(),
              batch.size() + queue.size(),
              e);
          batch.forEach(BatchWriter::release);
          queue.forEach(BatchWriter::release);
          return false;
        }
        log.warn(
            "the run store {} could not commit {} records ({}); retrying in {} ms",
            database.display(),
            batch.size(),
            e.getMessage(),
            pauseMillis);
        try {
          Thread.sleep(pauseMillis);
        } catch (InterruptedException interrupted) {
          return false;
        }
        pauseMillis = Math.min(pauseMillis * 2, 5_000);
      }
    }
  }

  /**
   * A batch failed several times: writes its records one by one, in order. If some commit and
   * others keep failing, those are poison (a value the database refuses, such as a NUL character in
   * PostgreSQL text) and are dropped, each logged at ERROR, so one bad record cannot stop the
   * writer and, behind it, every run. If none commits, the database itself is failing: false, and
   * the whole batch is retried as before. Writer thread only.
   */
  private boolean writeAlone(List<Object> batch) {
    List<Object> failed = new ArrayList<>();
    List<Exception> errors = new ArrayList<>();
    int written = 0;
    for (Object record : batch) {
      try {
        write(List.of(record));
        written++;
      } catch (SQLException | RuntimeException e) {
        disconnect();
        failed.add(record);
        errors.add(e);
      }
    }
    if (written == 0) {
      return false;
    }
    for (int i = 0; i < failed.size(); i++) {
      log.error(
          "the run store {} refuses a record and drops it: {}",
          database.display(),
          describe(failed.get(i)),
          errors.get(i));
      release(failed.get(i));
    }
    return true;
  }

  private static String describe(Object record) {
    return switch (record) {
      case TaskRunEvent e -> "task run " + e.taskRunId() + " entering " + e.state().name();
      case FlowRunEvent e -> "flow run " + e.flowRunId() + " entering " + e.state().name();
      case FlowRunStart start -> "the start of flow run " + start.flowRunId();
      case LogLine line -> "a log line of flow run " + line.flowRunId();
      default -> record.getClass().getSimpleName();
    };
  }

  private static void release(Object record) {
    if (record instanceof Flush flush) {
      flush.done().countDown();
    }
  }

  private void disconnect() {
    Connection c = connection;
    connection = null;
    statements = null;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // already broken
      }
    }
  }

  private void write(List<Object> batch) throws SQLException {
    if (connection == null) {
      connection = database.connect();
      statements = new Statements(connection);
    }
    Connection c = connection;
    Statements s = Objects.requireNonNull(statements, "opened with the connection");
    Dialect dialect = database.dialect;
    dialect.begin(c);
    List<Flush> flushes = new ArrayList<>();
    flowsInBatch.clear();
    runsEndedInBatch.clear();
    boolean committed = false;
    try {
      Map<UUID, TaskRow> tasks = new LinkedHashMap<>();
      for (Object record : batch) {
        switch (record) {
          case TaskRunEvent event -> {
            s.addState(
                s.taskState, event.taskRunId(), event.flowRunId(), event.state(), event.at());
            tasks.computeIfAbsent(event.taskRunId(), id -> newTaskRow(event)).apply(event);
          }
          case LogLine line -> s.addLog(line);
          case FlowRunEvent event -> flowRunStateChanged(s, event);
          case FlowRunStart start -> flowRunStarted(s, start);
          case Flush flush -> flushes.add(flush);
          default -> throw new IllegalArgumentException("not a run record: " + record);
        }
      }
      s.taskState.executeBatch();
      for (TaskRow row : tasks.values()) {
        row.bind(s.taskUpsert);
        s.taskUpsert.addBatch();
      }
      s.taskUpsert.executeBatch();
      s.log.executeBatch();
      dialect.commit(c);
      committed = true;
    } finally {
      if (!committed) {
        dialect.rollback(c);
      }
    }
    flowsWritten.addAll(flowsInBatch);
    runsEndedInBatch.forEach(stepsByRun::remove);
    flushes.forEach(f -> f.done().countDown());
  }

  private void flowRunStarted(Statements s, FlowRunStart start) throws SQLException {
    FlowInfo flow = start.flow();
    stepsByRun.put(
        start.flowRunId(),
        new HashSet<>(flow.steps().stream().map(FlowInfo.StepInfo::name).toList()));
    long at = Micros.of(start.at());
    String flowKey = flow.name() + '\0' + flow.version() + '\0' + flow.mermaid().hashCode();
    if (!flowsWritten.contains(flowKey) && !flowsInBatch.contains(flowKey)) {
      s.writeFlow(flow, at);
      flowsInBatch.add(flowKey);
    }
    PreparedStatement insert = s.flowRunInsert;
    int i = 1;
    insert.setString(i++, start.flowRunId().toString());
    insert.setString(i++, flow.name());
    insert.setString(i++, flow.version());
    insert.setString(i++, start.parametersJson());
    setUuid(insert, i++, start.parentTaskRunId());
    setUuid(insert, i++, start.parentFlowRunId());
    insert.setString(i++, State.PENDING.type().name());
    insert.setString(i++, State.PENDING.name());
    insert.setString(i++, "");
    insert.setLong(i++, at);
    insert.setInt(i++, 0);
    insert.setInt(i++, 0);
    insert.setLong(i++, at);
    insert.setString(i++, start.owner().host());
    insert.setLong(i++, start.owner().pid());
    Long ownerStart = Micros.ofNullable(start.owner().processStart());
    if (ownerStart == null) {
      insert.setNull(i, Types.BIGINT);
    } else {
      insert.setLong(i, ownerStart);
    }
    insert.executeUpdate();
    s.addState(s.flowState, null, start.flowRunId(), State.PENDING, start.at());
    s.flowState.executeBatch();
  }

  private void flowRunStateChanged(Statements s, FlowRunEvent event) throws SQLException {
    s.addState(s.flowState, null, event.flowRunId(), event.state(), event.at());
    s.flowState.executeBatch();
    State state = event.state();
    boolean isFinal = state.isFinal();
    PreparedStatement update = s.flowRunUpdate;
    int i = 1;
    update.setString(i++, state.type().name());
    update.setString(i++, state.name());
    update.setString(i++, state.message());
    update.setLong(i++, Micros.of(event.at()));
    update.setInt(i++, isFinal ? 1 : 0);
    update.setInt(i++, event.attempt());
    if (isFinal) {
      update.setLong(i++, Micros.of(event.at()));
    } else {
      update.setNull(i++, Types.BIGINT);
    }
    update.setString(i, event.flowRunId().toString());
    update.executeUpdate();
    if (isFinal) {
      runsEndedInBatch.add(event.flowRunId());
    }
  }

  private TaskRow newTaskRow(TaskRunEvent event) {
    String name = event.taskName();
    String stepName = name;
    Integer mapIndex = null;
    Set<String> steps = stepsByRun.get(event.flowRunId());
    // An element of a mapped step is named step[i]; a step may itself be named like that.
    if (name.endsWith("]") && (steps == null || !steps.contains(name))) {
      int open = name.lastIndexOf('[');
      if (open > 0) {
        try {
          mapIndex = Integer.parseInt(name.substring(open + 1, name.length() - 1));
          stepName = name.substring(0, open);
        } catch (NumberFormatException notAnElement) {
          mapIndex = null;
        }
      }
    }
    return new TaskRow(event.taskRunId(), event.flowRunId(), name, stepName, mapIndex, event.at());
  }

  static void setUuid(PreparedStatement statement, int index, @Nullable UUID id)
      throws SQLException {
    if (id == null) {
      statement.setNull(index, Types.VARCHAR);
    } else {
      statement.setString(index, id.toString());
    }
  }

  static String stackTrace(Throwable error) {
    StringWriter out = new StringWriter();
    try (PrintWriter writer = new PrintWriter(out)) {
      error.printStackTrace(writer);
    }
    return out.toString();
  }

  /** What a batch's events say about one task run, written with one upsert. */
  private static final class TaskRow {
    final UUID id;
    final UUID flowRunId;
    final String name;
    final String stepName;
    final @Nullable Integer mapIndex;
    final Instant created;
    State state = State.PENDING;
    Instant stateAt;
    int attempts;
    @Nullable Instant startTime;
    @Nullable Throwable error;
    @Nullable String cacheKey;
    boolean errorCleared;

    TaskRow(
        UUID id,
        UUID flowRunId,
        String name,
        String stepName,
        @Nullable Integer mapIndex,
        Instant created) {
      this.id = id;
      this.flowRunId = flowRunId;
      this.name = name;
      this.stepName = stepName;
      this.mapIndex = mapIndex;
      this.created = created;
      this.stateAt = created;
    }

    void apply(TaskRunEvent event) {
      State next = event.state();
      state = next;
      stateAt = event.at();
      attempts = Math.max(attempts, event.attempt());
      if (event.cacheKey() != null) {
        cacheKey = event.cacheKey();
      }
      switch (next) {
        case State.Running r -> startTime = startTime == null ? event.at() : startTime;
        case State.Retrying r -> startTime = startTime == null ? event.at() : startTime;
        case State.Failed f -> error = f.error();
        case State.Crashed c -> error = c.error();
        case State.Cached c -> cacheKey = c.key();
        case State.Pending p -> {
          error = null;
          errorCleared = true;
        }
        default -> {}
      }
    }

    void bind(PreparedStatement upsert) throws SQLException {
      int i = 1;
      upsert.setString(i++, id.toString());
      upsert.setString(i++, flowRunId.toString());
      upsert.setString(i++, name);
      upsert.setString(i++, stepName);
      if (mapIndex == null) {
        upsert.setNull(i++, Types.INTEGER);
      } else {
        upsert.setInt(i++, mapIndex);
      }
      upsert.setString(i++, state.type().name());
      upsert.setString(i++, state.name());
      upsert.setString(i++, state.message());
      upsert.setLong(i++, Micros.of(stateAt));
      boolean isFinal = state.isFinal();
      upsert.setInt(i++, isFinal ? 1 : 0);
      upsert.setInt(i++, attempts);
      upsert.setLong(i++, Micros.of(created));
      Long start = Micros.ofNullable(startTime);
      if (start == null) {
        upsert.setNull(i++, Types.BIGINT);
      } else {
        upsert.setLong(i++, start);
      }
      if (isFinal) {
        upsert.setLong(i++, Micros.of(stateAt));
      } else {
        upsert.setNull(i++, Types.BIGINT);
      }
      Throwable e = error;
      if (e == null) {
        upsert.setNull(i++, Types.VARCHAR);
        upsert.setNull(i++, Types.VARCHAR);
        upsert.setNull(i++, Types.VARCHAR);
      } else {
        upsert.setString(i++, e.getClass().getName());
        upsert.setString(i++, e.getMessage() == null ? "" : e.getMessage());
        upsert.setString(i++, stackTrace(e));
      }
      if (cacheKey == null) {
        upsert.setNull(i++, Types.VARCHAR);
      } else {
        upsert.setString(i++, cacheKey);
      }
      for (int column = 0; column < 3; column++) {
        upsert.setInt(i++, errorCleared ? 1 : 0);
      }
    }
  }
}
