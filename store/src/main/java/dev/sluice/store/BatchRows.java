package dev.sluice.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The writer's transactions: writes one batch of records in one transaction ({@link RecordRows}:
 * the records as rows, with one change-feed row per flow run changed), then wakes the commit
 * listeners. Owns the writer's connection. Writer thread only.
 */
final class BatchRows {
  private final Database database;
  private @Nullable Connection connection;
  private @Nullable Statements statements;

  /** The flows written by this connection's committed batches, not written again. */
  private final Set<String> flowsWritten = new HashSet<>();

  private final CommitListeners listeners;

  BatchRows(Database database, CommitListeners listeners) {
    this.database = database;
    this.listeners = listeners;
  }

  /** Closes the connection; the next {@link #write} opens a new one. */
  void disconnect() {
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

  /**
   * Writes {@code batch} in one transaction, rolled back if anything fails. A record batch of
   * another process ({@link dev.sluice.api.store.IngestBatch}) is one element: all of it, or none
   * when it is a repeat, with its place in its source's sequence.
   */
  void write(List<Object> batch) throws SQLException {
    database.prepareOnce(); // a store opened on a full disk prepares its database here, later
    if (connection == null) {
      connection = database.connect();
      statements = new Statements(connection);
    }
    Connection c = connection;
    Statements s = Objects.requireNonNull(statements, "prepared with the connection");
    Dialect dialect = database.dialect;
    dialect.begin(c);
    RecordRows rows = new RecordRows(database, s, flowsWritten);
    Set<UUID> changed;
    boolean committed = false;
    try {
      for (Object record : batch) {
        rows.add(record);
      }
      changed = rows.finish(Micros.of(Instant.now()));
      dialect.commit(c);
      committed = true;
    } finally {
      if (!committed) {
        dialect.rollback(c);
      }
    }
    flowsWritten.addAll(rows.flowsAdded());
    if (!changed.isEmpty()) {
      listeners.committed();
    }
  }
}
