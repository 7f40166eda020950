package dev.sluice.store;

import dev.sluice.api.store.RunStoreException;
import java.io.IOException;
import java.sql.SQLException;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteErrorCode;

/**
 * What a failed write says about the database, which decides what the writer does with its records
 * ({@link CommitRetries}): a record the database refuses is dropped (a poison record); a database
 * that cannot take anything now — a full disk, an I/O error, a lost or refused connection, a busy
 * lock — is retried for as long as it takes, its records kept meanwhile; a corrupt database is
 * never written again.
 */
enum Failures {
  /** The database refuses this record (a value it cannot hold): retrying it cannot succeed. */
  RECORD,
  /** The database or its disk cannot take anything now; it may later. Nothing is dropped. */
  ENVIRONMENT,
  /** The database file is corrupt: it is not written again. */
  CORRUPT;

  private static final Set<Integer> SQLITE_ENVIRONMENT =
      Set.of(
          SQLiteErrorCode.SQLITE_BUSY.code,
          SQLiteErrorCode.SQLITE_LOCKED.code,
          SQLiteErrorCode.SQLITE_NOMEM.code,
          SQLiteErrorCode.SQLITE_READONLY.code,
          SQLiteErrorCode.SQLITE_INTERRUPT.code,
          SQLiteErrorCode.SQLITE_IOERR.code,
          SQLiteErrorCode.SQLITE_FULL.code,
          SQLiteErrorCode.SQLITE_CANTOPEN.code,
          SQLiteErrorCode.SQLITE_PROTOCOL.code,
          SQLiteErrorCode.SQLITE_NOLFS.code,
          SQLiteErrorCode.SQLITE_AUTH.code);

  /**
   * PostgreSQL's SQLSTATE classes of failures outside the statement: connection (08), insufficient
   * resources such as a full disk (53), operator intervention such as a shutdown (57), system and
   * I/O errors (58), transaction rollbacks such as deadlocks (40), internal errors (XX).
   */
  private static final Set<String> POSTGRES_ENVIRONMENT =
      Set.of("08", "53", "57", "58", "40", "XX");

  /**
   * Whether {@code e} says the connection itself is gone (SQLSTATE class 08, or PostgreSQL's 57P01
   * to 57P03: the server shut it down), not that the statement failed: a call that met it on an
   * idle connection can run again on a new one.
   */
  static boolean isConnectionLost(SQLException e) {
    String state = e.getSQLState();
    return state != null
        && (state.startsWith("08")
            || state.equals("57P01")
            || state.equals("57P02")
            || state.equals("57P03"));
  }

  /** What {@code failure} (from writing a batch) says. */
  static Failures of(Database database, Throwable failure) {
    Failures kind = ofCause(database, failure);
    if (kind != null) {
      return kind;
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof RunStoreException) {
        return ENVIRONMENT; // the database could not be opened or prepared: no record's fault
      }
    }
    return RECORD;
  }

  /** What the SQL or I/O failure inside {@code failure} says; null when there is none. */
  static @Nullable Failures ofCause(Database database, Throwable failure) {
    boolean sql = false;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        return ENVIRONMENT;
      }
      if (t instanceof SQLException e) {
        sql = true;
        Failures kind = of(database.dialect, e);
        if (kind != RECORD) {
          return kind;
        }
      }
    }
    return sql ? RECORD : null;
  }

  /** Whether SQLite says its file is damaged ({@code SQLITE_CORRUPT}, {@code SQLITE_NOTADB}). */
  static boolean isSqliteCorruption(SQLException e) {
    return of(Dialect.SQLITE, e) == CORRUPT;
  }

  private static Failures of(Dialect dialect, SQLException e) {
    if (dialect == Dialect.SQLITE) {
      int primary = e.getErrorCode() & 0xff; // extended codes keep the primary one in the low byte
      if (primary == SQLiteErrorCode.SQLITE_CORRUPT.code
          || primary == SQLiteErrorCode.SQLITE_NOTADB.code) {
        return CORRUPT;
      }
      String message = String.valueOf(e.getMessage());
      if (message.contains("SQLITE_CORRUPT") || message.contains("SQLITE_NOTADB")) {
        return CORRUPT;
      }
      if (SQLITE_ENVIRONMENT.contains(primary)
          || message.contains("SQLITE_FULL")
          || message.contains("SQLITE_IOERR")
          || message.contains("SQLITE_CANTOPEN")
          || message.contains("SQLITE_BUSY")) {
        return ENVIRONMENT;
      }
      return RECORD;
    }
    String state = e.getSQLState();
    if (state == null || state.length() < 2) {
      return ENVIRONMENT; // no answer from the server at all
    }
    return POSTGRES_ENVIRONMENT.contains(state.substring(0, 2)) ? ENVIRONMENT : RECORD;
  }
}
