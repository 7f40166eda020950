package dev.sluice.store;

import dev.sluice.api.StateType;
import dev.sluice.api.store.ApiTokens;
import dev.sluice.api.store.CancelOutcome;
import dev.sluice.api.store.LogCapture;
import dev.sluice.api.store.RunHistory;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.RunRecorder;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A run store in an SQLite file or a PostgreSQL database: the asynchronous writer ({@link
 * BatchWriter}), the reader ({@link HistoryReader}) and the synchronous parts — cancel requests
 * ({@link CancelRequests}, watched by {@link CancelWatch}) and API tokens ({@link JdbcApiTokens}) —
 * on one pool of connections.
 */
final class JdbcRunStore implements RunStore {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(JdbcRunStore.class);

  /** How long {@link #close()} waits for the writer to commit what is queued. */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

  private final Database database;
  private final BatchWriter writer;
  private final HistoryReader reader;
  private final Thread shutdownHook;
  private final CommitListeners listeners = new CommitListeners();
  private final ConnectionPool pool;
  private final CancelRequests cancels;
  private final CancelWatch cancelWatch;
  private final JdbcApiTokens tokens;
  private final Leases leases;

  JdbcRunStore(Database database) {
    this.database = database;
    this.writer = new BatchWriter(database, listeners);
    try {
      database.prepare();
    } catch (RunStoreException e) {
      // An SQLite file on a full disk, with an I/O error, or corrupt: the runs go on, their
      // records kept aside until the database takes them (or, when corrupt, for a recovered one).
      Failures kind = database.dialect == Dialect.SQLITE ? Failures.ofCause(database, e) : null;
      if (kind == null || kind == Failures.RECORD) {
        throw e;
      }
      if (kind == Failures.CORRUPT) {
        writer.startCorrupt();
        log.error(
            "{}. Sluice runs anyway, writes nothing to it, and keeps the records of its runs in a"
                + " journal in {}",
            e.getMessage(),
            database.journalDirs.get(0));
      } else {
        log.warn(
            "{}. Sluice runs anyway: it keeps the records of its runs (in memory, then in a journal"
                + " in {}) and stores them when the database takes them",
            e.getMessage(),
            database.journalDirs);
      }
    }
    this.pool = new ConnectionPool(database, HistoryReader.POOL_SIZE);
    this.leases = new Leases(database, pool, RunOwner.current());
    this.reader = new HistoryReader(pool, listeners);
    this.cancels = new CancelRequests(database, pool, listeners, leases);
    this.cancelWatch = new CancelWatch(cancels, writer::unfinishedRuns);
    this.tokens = new JdbcApiTokens(pool);
    writer.onRunStarted(cancelWatch::runsChanged);
    writer.start();
    // A program that ends with System.exit (or returns from main) without closing its Sluice
    // still gets what was recorded committed; the writer thread is a daemon and would just stop.
    this.shutdownHook = new Thread(() -> writer.close(SHUTDOWN_TIMEOUT), "sluice-store-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** How long the JVM's exit waits for the writer to commit what is queued. */
  static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  @Override
  public String location() {
    return database.display();
  }

  /** The recorder; whoever records runs through it holds this process's lease from now on. */
  @Override
  public RunRecorder recorder() {
    leases.hold();
    return writer;
  }

  @Override
  public RunHistory history() {
    return reader;
  }

  @Override
  public LogCapture captureLogs() {
    return LogCaptures.install(writer);
  }

  @Override
  public CancelOutcome requestCancel(UUID flowRunId, String reason) {
    return cancels.request(flowRunId, reason);
  }

  @Override
  public Set<UUID> cancelRequested(Collection<UUID> flowRunIds) {
    return cancels.requested(flowRunIds);
  }

  @Override
  public void onCancelRequested(Consumer<UUID> handler) {
    cancelWatch.handler(handler);
  }

  /** A lease held for {@code owner} in this store's database, for tests of other processes. */
  Leases leasesOf(RunOwner owner) {
    return new Leases(database, pool, owner);
  }

  /** The cancel watch, for tests. */
  CancelWatch cancelWatch() {
    return cancelWatch;
  }

  @Override
  public ApiTokens tokens() {
    return tokens;
  }

  @Override
  public boolean isKnownDead(RunOwner owner) {
    return pool.with(c -> leases.isKnownDead(c, owner));
  }

  /** Records not stored by the time this store closed (see {@link BatchWriter#unstored}). */
  @Override
  public long unstoredAtClose() {
    return writer.unstored();
  }

  /** How long {@link #markDeadRunsCrashed} waits for the journals of gone processes. */
  private static final Duration REPLAY_WAIT = Duration.ofSeconds(30);

  /**
   * Waits up to {@code timeout} for the journals gone processes left for this database to be
   * stored; false when some are not (yet), or when interrupted.
   */
  boolean awaitReplay(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (writer.replaying() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return !writer.replaying();
  }

  @Override
  public int markDeadRunsCrashed() {
    // A journal a gone process left may hold the end of its runs: store it first, or a run that
    // completed would be marked Crashed.
    if (!awaitReplay(REPLAY_WAIT) || !database.isPrepared()) {
      log.info(
          "the runs of processes that ended are not marked Crashed in {} now: records they kept"
              + " aside are not stored yet",
          database.display());
      return 0;
    }
    String host = OwnerLiveness.localHost();
    try (Connection c = database.connect()) {
      List<String> dead = new ArrayList<>();
      // Runs recorded before leases (schema version 3): by their process, on this host only.
      try (PreparedStatement s =
          c.prepareStatement(
              "SELECT id, owner_pid, owner_start FROM sluice_flow_runs"
                  + " WHERE is_final = 0 AND owner_host = ? AND owner_lease IS NULL")) {
        s.setString(1, host);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            long start = rs.getLong(3);
            Instant started = rs.wasNull() ? null : Micros.toInstant(start);
            RunOwner owner = new RunOwner(host, rs.getLong(2), started);
            if (OwnerLiveness.isKnownDead(owner)) {
              dead.add(
                  rs.getString(1)
                      + " the process running it (pid "
                      + owner.pid()
                      + " on "
                      + host
                      + ") ended before the run did");
            }
          }
        }
      }
      // Runs owned by a lease, on any host: those whose lease expired.
      try (PreparedStatement s =
          c.prepareStatement(
              "SELECT r.id, r.owner_host, r.owner_pid, l.renewed_at FROM sluice_flow_runs r"
                  + " LEFT JOIN sluice_leases l ON l.holder = r.owner_lease"
                  + " WHERE r.is_final = 0 AND r.owner_lease IS NOT NULL AND r.owner_lease <> ?"
                  + " AND "
                  + Leases.deadLeaseCondition())) {
        s.setString(1, leases.holder());
        leases.bindDead(s, 2, Micros.of(Instant.now()));
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            long renewed = rs.getLong(4);
            dead.add(
                rs.getString(1)
                    + " the process running it (pid "
                    + rs.getLong(3)
                    + " on "
                    + rs.getString(2)
                    + ") stopped renewing its lease"
                    + (rs.wasNull() ? "" : " at " + Micros.toInstant(renewed))
                    + " before the run ended (store.lease-timeout: "
                    + database.leaseTiming.timeout()
                    + ")");
          }
        }
      }
      if (dead.isEmpty()) {
        return 0;
      }
      long now = Micros.of(Instant.now());
      database.dialect.begin(c);
      boolean committed = false;
      int marked = 0;
      List<UUID> changed = new ArrayList<>();
      try {
        for (String entry : dead) {
          String id = entry.substring(0, entry.indexOf(' '));
          String message = entry.substring(entry.indexOf(' ') + 1);
          if (crash(c, id, message, now) > 0) {
            marked++;
            changed.add(UUID.fromString(id));
          }
        }
        try (Statements statements = new Statements(c)) {
          statements.addChanges(database.dialect, changed, now);
        }
        database.dialect.commit(c);
        committed = true;
      } finally {
        if (!committed) {
          database.dialect.rollback(c);
        }
      }
      if (marked > 0) {
        listeners.committed();
      }
      return marked;
    } catch (SQLException e) {
      throw new RunStoreException(
          "could not mark the runs of dead processes Crashed in the run store "
              + database.display()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Marks one flow run and its unfinished task runs Crashed, unless another process did. */
  private static int crash(Connection c, String id, String message, long now) throws SQLException {
    String crashed = StateType.CRASHED.name();
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE sluice_flow_runs SET state_type = ?, state_name = 'Crashed', state_message = ?,"
                + " state_at = ?, is_final = 1, end_time = ? WHERE id = ? AND is_final = 0")) {
      s.setString(1, crashed);
      s.setString(2, message);
      s.setLong(3, now);
      s.setLong(4, now);
      s.setString(5, id);
      if (s.executeUpdate() == 0) {
        return 0; // someone else marked it meanwhile
      }
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO sluice_flow_run_states (flow_run_id, state_type, state_name,"
                + " state_message, at) VALUES (?, ?, 'Crashed', ?, ?)")) {
      s.setString(1, id);
      s.setString(2, crashed);
      s.setString(3, message);
      s.setLong(4, now);
      s.executeUpdate();
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO sluice_task_run_states (task_run_id, flow_run_id, state_type, state_name,"
                + " state_message, at) SELECT id, flow_run_id, ?, 'Crashed', ?, ?"
                + " FROM sluice_task_runs WHERE flow_run_id = ? AND is_final = 0")) {
      s.setString(1, crashed);
      s.setString(2, message);
      s.setLong(3, now);
      s.setString(4, id);
      s.executeUpdate();
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE sluice_task_runs SET state_type = ?, state_name = 'Crashed', state_message = ?,"
                + " state_at = ?, is_final = 1, end_time = ? WHERE flow_run_id = ? AND is_final = 0")) {
      s.setString(1, crashed);
      s.setString(2, message);
      s.setLong(3, now);
      s.setLong(4, now);
      s.setString(5, id);
      s.executeUpdate();
    }
    return 1;
  }

  @Override
  public void close() {
    try {
      cancelWatch.close();
      writer.close(CLOSE_TIMEOUT);
      leases.close();
    } finally {
      pool.close();
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is exiting: the hook runs or ran, and finds the writer closed
      }
    }
  }

  @Override
  public String toString() {
    return "run store " + database.display();
  }
}
