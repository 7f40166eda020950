package dev.sluice.store;

import dev.sluice.api.store.RunStoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Versioned schema migrations, applied on start: scripts {@code migrations/V<n>__<what>.sql},
 * applied in order inside one write transaction that also holds a migration lock, so processes
 * starting together apply each once. The versions applied are rows of {@code
 * sluice_schema_version}. A database whose version is newer than the newest script is refused.
 */
final class Migrations {
  static final String VERSION_TABLE = "sluice_schema_version";

  /** Every script, in order; version = position + 1. */
  static final List<String> SCRIPTS =
      List.of(
          "V1__run_history.sql",
          "V2__run_identity_paging_changes.sql",
          "V3__service.sql",
          "V4__leases.sql");

  static final int LATEST = SCRIPTS.size();

  private Migrations() {}

  static void apply(Database database, Connection connection) throws SQLException {
    apply(database, connection, LATEST);
  }

  /**
   * Applies the scripts after the database's version up to {@code upTo} (a recovery builds the
   * schema of the version it copies rows of, then applies the rest).
   */
  static void apply(Database database, Connection connection, int upTo) throws SQLException {
    Dialect dialect = database.dialect;
    dialect.begin(connection);
    boolean done = false;
    try {
      dialect.lockForMigration(connection);
      try (Statement statement = connection.createStatement()) {
        statement.execute(
            "CREATE TABLE IF NOT EXISTS "
                + VERSION_TABLE
                + " (version INTEGER PRIMARY KEY, script TEXT NOT NULL, installed_at BIGINT NOT NULL)");
      }
      int current = 0;
      try (Statement statement = connection.createStatement();
          ResultSet rs = statement.executeQuery("SELECT MAX(version) FROM " + VERSION_TABLE)) {
        if (rs.next()) {
          current = rs.getInt(1);
        }
      }
      if (current > LATEST) {
        throw new RunStoreException(
            "the run store "
                + database.display()
                + " has schema version "
                + current
                + ", written by a newer Sluice; this one knows versions up to "
                + LATEST
                + " and leaves it untouched. Upgrade Sluice, or point sluice.store (SLUICE_STORE)"
                + " at another database");
      }
      for (int version = current + 1; version <= upTo; version++) {
        String script = SCRIPTS.get(version - 1);
        for (String sql : statements(script, dialect)) {
          try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
          }
        }
        try (PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO "
                    + VERSION_TABLE
                    + " (version, script, installed_at) VALUES (?, ?, ?)")) {
          insert.setInt(1, version);
          insert.setString(2, script);
          insert.setLong(3, Micros.of(Instant.now()));
          insert.executeUpdate();
        }
      }
      dialect.commit(connection);
      done = true;
    } finally {
      if (!done) {
        dialect.rollback(connection);
      }
    }
  }

  /** The statements of a script, for a dialect: comments dropped, split at {@code ;} line ends. */
  static List<String> statements(String script, Dialect dialect) {
    String text;
    try (InputStream in = Migrations.class.getResourceAsStream("migrations/" + script)) {
      if (in == null) {
        throw new IllegalStateException("migration script " + script + " is missing from the jar");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String sql = current.toString().strip();
        statements.add(
            sql.substring(0, sql.length() - 1).replace("${SEQUENCE}", dialect.sequence()));
        current.setLength(0);
      }
    }
    return statements;
  }
}
