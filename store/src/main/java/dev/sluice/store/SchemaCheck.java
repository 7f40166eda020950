package dev.sluice.store;

import dev.sluice.api.store.RunStoreException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks, by reading only, that an SQLite file holds a Sluice run history before anything writes to
 * it (not even the switch to WAL mode): no tables at all (a new file), or {@code
 * sluice_schema_version} with Sluice's columns and, for the version it records, every table and
 * column Sluice's migrations up to that version create. The expected schema is not a second copy of
 * the migrations: it is what the scripts themselves build in an in-memory database.
 */
final class SchemaCheck {
  /** Expected tables and their columns, by schema version; built once per version. */
  private static final Map<Integer, Map<String, Set<String>>> EXPECTED = new ConcurrentHashMap<>();

  private SchemaCheck() {}

  /**
   * Refuses (with a message naming the file) a database that holds tables but not a Sluice run
   * history; returns the schema version recorded, 0 for a database without tables.
   */
  static int verify(Database database, Connection connection) throws SQLException {
    Map<String, Set<String>> actual = tables(connection);
    if (actual.isEmpty()) {
      return 0;
    }
    if (!actual.containsKey(Migrations.VERSION_TABLE)) {
      List<String> names = new ArrayList<>(actual.keySet());
      List<String> shown = names.subList(0, Math.min(5, names.size()));
      throw notSluice(
          database,
          "it is an SQLite database of another application: it has tables "
              + shown
              + (names.size() > shown.size() ? " and more" : "")
              + " but no Sluice schema");
    }
    Set<String> versionColumns = actual.get(Migrations.VERSION_TABLE);
    Set<String> expectedVersionColumns = Set.of("version", "script", "installed_at");
    if (!versionColumns.containsAll(expectedVersionColumns)) {
      throw notSluice(
          database,
          "its table "
              + Migrations.VERSION_TABLE
              + " has the columns "
              + versionColumns
              + ", not Sluice's "
              + List.of("version", "script", "installed_at"));
    }
    int version;
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT MAX(version) FROM " + Migrations.VERSION_TABLE)) {
      version = rs.next() ? rs.getInt(1) : 0;
    }
    if (version > Migrations.LATEST) {
      return version; // a newer Sluice's: Migrations says so, changing nothing
    }
    List<String> problems = new ArrayList<>();
    List<String> missingTables = new ArrayList<>();
    for (Map.Entry<String, Set<String>> table : expected(version).entrySet()) {
      Set<String> columns = actual.get(table.getKey());
      if (columns == null) {
        missingTables.add(table.getKey());
        continue;
      }
      Set<String> missing = new LinkedHashSet<>(table.getValue());
      missing.removeAll(columns);
      if (!missing.isEmpty()) {
        problems.add("its table " + table.getKey() + " lacks the columns " + missing);
      }
    }
    if (!missingTables.isEmpty()) {
      problems.add(0, "it has no tables " + missingTables);
    }
    if (!problems.isEmpty()) {
      throw notSluice(
          database,
          "it records schema version " + version + ", but " + String.join(", and ", problems));
    }
    return version;
  }

  private static RunStoreException notSluice(Database database, String why) {
    return new RunStoreException(
        "the run store "
            + database.display()
            + " is not a Sluice run history ("
            + why
            + "); Sluice leaves it untouched. Point sluice.store (SLUICE_STORE) at another file,"
            + " or set it to 'off'");
  }

  /** The tables of a database (SQLite's own left out), with their columns. */
  static Map<String, Set<String>> tables(Connection connection) throws SQLException {
    Map<String, Set<String>> tables = new TreeMap<>();
    try (Statement s = connection.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")) {
      while (rs.next()) {
        tables.put(rs.getString(1), new LinkedHashSet<>());
      }
    }
    for (Map.Entry<String, Set<String>> table : tables.entrySet()) {
      try (Statement s = connection.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT name FROM pragma_table_info('"
                      + table.getKey().replace("'", "''")
                      + "')")) {
        while (rs.next()) {
          table.getValue().add(rs.getString(1));
        }
      }
    }
    return tables;
  }

  /**
   * The newest schema version whose tables and columns are all in {@code actual}, 0 for none: for a
   * database whose recorded version cannot be read.
   */
  static int versionOf(Map<String, Set<String>> actual) {
    int found = 0;
    for (int version = 1; version <= Migrations.LATEST; version++) {
      boolean all = true;
      for (Map.Entry<String, Set<String>> table : expected(version).entrySet()) {
        Set<String> columns = actual.get(table.getKey());
        all &= columns != null && columns.containsAll(table.getValue());
      }
      if (all) {
        found = version;
      }
    }
    return found;
  }

  /** What the migration scripts up to {@code version} create, built in an in-memory database. */
  static Map<String, Set<String>> expected(int version) {
    return EXPECTED.computeIfAbsent(
        version,
        v -> {
          try (Connection memory = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            for (String script : Migrations.SCRIPTS.subList(0, v)) {
              for (String sql : Migrations.statements(script, Dialect.SQLITE)) {
                try (Statement s = memory.createStatement()) {
                  s.execute(sql);
                }
              }
            }
            return tables(memory);
          } catch (SQLException e) {
            throw new IllegalStateException("Sluice's own migration scripts do not run", e);
          }
        });
  }
}
