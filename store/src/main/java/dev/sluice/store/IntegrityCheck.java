package dev.sluice.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;

/**
 * SQLite's own consistency checks of a database file: {@code PRAGMA quick_check} when a store
 * opens, stopped after {@link #AT_OPEN} so that opening a large history stays cheap (a corruption
 * it did not reach is still caught: any {@code SQLITE_CORRUPT} later stops the writer, see {@link
 * CommitRetries}); and the full {@code PRAGMA integrity_check}, without a bound. Both only read.
 */
final class IntegrityCheck {
  private static final Logger log = LoggerFactory.getLogger(IntegrityCheck.class);

  /**
   * How long the check at open may take. {@code quick_check} reads every page (about 0.1–0.5 s for
   * 100 MB on a local SSD), so 2 s checks every history up to a few hundred MB completely, and a
   * batch job on a multi-GB history pays at most 2 s per start.
   */
  static final Duration AT_OPEN = Duration.ofSeconds(2);

  /** How many problems a check lists at most. */
  static final int MAX_PROBLEMS = 20;

  private IntegrityCheck() {}

  /** The problems found; empty when the check found none (or was stopped at its bound). */
  record Result(List<String> problems, boolean complete) {
    boolean ok() {
      return problems.isEmpty();
    }
  }

  /**
   * The check at open: throws an {@code SQLITE_CORRUPT} {@link SQLException} (which {@link
   * Database#cannotOpen} explains) when it finds a problem; says at INFO when it stopped at {@link
   * #AT_OPEN}.
   */
  static void atOpen(Database database, Connection connection) throws SQLException {
    Result result = run(connection, "quick_check", AT_OPEN);
    if (!result.complete()) {
      log.info(
          "the run store {} is large: its consistency check at open stopped after {}; a problem"
              + " found later still stops writing to it",
          database.display(),
          AT_OPEN);
    }
    if (!result.ok()) {
      throw new SQLException(
          "database disk image is malformed: " + String.join("; ", result.problems()),
          null,
          SQLiteErrorCode.SQLITE_CORRUPT.code);
    }
  }

  /** The full check, without a bound. */
  static Result full(Connection connection) throws SQLException {
    return run(connection, "integrity_check", null);
  }

  private static Result run(Connection connection, String pragma, @Nullable Duration bound)
      throws SQLException {
    @Nullable Interrupter interrupter =
        bound == null ? null : new Interrupter(connection.unwrap(SQLiteConnection.class), bound);
    List<String> problems = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA " + pragma + "(" + MAX_PROBLEMS + ")")) {
      while (rs.next()) {
        String row = rs.getString(1);
        if (!"ok".equalsIgnoreCase(row)) {
          problems.add(row);
        }
      }
    } catch (SQLException e) {
      if (interrupter != null && interrupter.fired() && isInterrupt(e)) {
        return new Result(List.of(), false);
      }
      throw e;
    } finally {
      if (interrupter != null) {
        interrupter.stop();
      }
    }
    return new Result(List.copyOf(problems), true);
  }

  private static boolean isInterrupt(SQLException e) {
    return e.getErrorCode() == SQLiteErrorCode.SQLITE_INTERRUPT.code
        || String.valueOf(e.getMessage()).contains("interrupt");
  }

  /** Interrupts the connection's statement when {@code bound} has passed, unless stopped first. */
  private static final class Interrupter {
    private final Thread timer;
    private boolean stopped; // guarded by this
    private boolean fired; // guarded by this

    Interrupter(SQLiteConnection connection, Duration bound) {
      this.timer =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      Thread.sleep(bound);
                    } catch (InterruptedException e) {
                      return;
                    }
                    synchronized (this) {
                      if (stopped) {
                        return;
                      }
                      fired = true;
                      try {
                        connection.getDatabase().interrupt();
                      } catch (SQLException e) {
                        log.debug("cannot interrupt the consistency check: {}", e.toString());
                      }
                    }
                  });
    }

    synchronized boolean fired() {
      return fired;
    }

    /** After the statement ended: no interrupt can reach the next one. */
    void stop() {
      synchronized (this) {
        stopped = true;
      }
      timer.interrupt();
    }
  }
}
