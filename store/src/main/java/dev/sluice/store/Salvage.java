package dev.sluice.store;

import dev.sluice.api.settings.Settings;
import dev.sluice.api.store.RunStoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the readable rows of a damaged run history into a new file, table by table (what {@code
 * sqlite3 .recover} does, without the shell, which sqlite-jdbc does not have). The source is copied
 * first (with its {@code -wal}) and only the copy is opened. Each table is read in row-id order
 * without its indexes ({@code NOT INDEXED}, so a damaged index costs nothing); where a read meets a
 * damaged page, the next readable row id is found by seeking (exponentially further, then by
 * bisection), and the copy goes on from there. The new file gets the schema of the version the
 * source records, its rows, then the later migrations; it is written beside the target and moved to
 * it only when complete.
 *
 * @param copied rows copied, by table
 * @param skipped row ids that could not be read, by table
 */
record Salvage(Map<String, Long> copied, Map<String, Long> skipped) {
  private static final Logger log = LoggerFactory.getLogger(Salvage.class);

  static Salvage copy(Database source, Path target, Settings settings) {
    Path parent = target.getParent();
    Path work;
    try {
      Files.createDirectories(parent);
      work = Files.createTempDirectory(parent, "." + target.getFileName() + ".recovering-");
    } catch (IOException e) {
      throw new RunStoreException(
          "cannot recover into " + target + ": " + e + "; check its directory is writable", e);
    }
    try {
      Path copy = work.resolve("source.db");
      Path from = Path.of(source.display());
      Files.copy(from, copy);
      Path wal = from.resolveSibling(from.getFileName() + "-wal");
      if (Files.exists(wal)) {
        Files.copy(wal, work.resolve("source.db-wal"));
      }
      Path built = work.resolve("recovered.db");
      Salvage salvage = copy(source, Database.sqlite(copy.toString(), settings), built, settings);
      Files.move(built, target, StandardCopyOption.ATOMIC_MOVE);
      return salvage;
    } catch (IOException e) {
      throw new RunStoreException(
          "cannot recover " + source.display() + " into " + target + ": " + e, e);
    } finally {
      deleteTree(work);
    }
  }

  private static Salvage copy(Database original, Database copy, Path built, Settings settings)
      throws IOException {
    Database recovered = Database.sqlite(built.toString(), settings);
    try (Connection from = copy.connect();
        Connection to = recovered.connect()) {
      Map<String, Set<String>> tables = readableTables(original, from);
      int version = version(original, from, tables);
      Migrations.apply(recovered, to, version);
      Map<String, Long> copied = new LinkedHashMap<>();
      Map<String, Long> skipped = new LinkedHashMap<>();
      Dialect.SQLITE.begin(to);
      boolean done = false;
      try {
        for (Map.Entry<String, Set<String>> table : SchemaCheck.expected(version).entrySet()) {
          String name = table.getKey();
          if (name.equals(Migrations.VERSION_TABLE)) {
            continue; // written by the migrations above
          }
          List<String> columns = new ArrayList<>(table.getValue());
          columns.retainAll(tables.getOrDefault(name, Set.of()));
          long[] counts = copyTable(from, to, name, columns);
          copied.put(name, counts[0]);
          if (counts[1] > 0) {
            skipped.put(name, counts[1]);
            log.warn(
                "{}: about {} rows of {} could not be read", original.display(), counts[1], name);
          }
        }
        Dialect.SQLITE.commit(to);
        done = true;
      } finally {
        if (!done) {
          Dialect.SQLITE.rollback(to);
        }
      }
      Migrations.apply(recovered, to);
      return new Salvage(copied, skipped);
    } catch (SQLException e) {
      throw new RunStoreException(
          "cannot recover " + original.display() + ": " + e.getMessage(), e);
    }
  }

  /** The tables and columns of the copy; refuses what is not a Sluice history, or unreadable. */
  private static Map<String, Set<String>> readableTables(Database original, Connection from) {
    try {
      return SchemaCheck.tables(from);
    } catch (SQLException e) {
      throw new RunStoreException(
          "cannot recover "
              + original.display()
              + ": even its list of tables cannot be read ("
              + e.getMessage()
              + "), so no row can be found; restore it from a backup",
          e);
    }
  }

  /** The schema version the source records or, where that row is unreadable, its tables show. */
  private static int version(Database original, Connection from, Map<String, Set<String>> tables)
      throws SQLException {
    int version;
    try {
      version = SchemaCheck.verify(original, from);
    } catch (SQLException e) {
      if (Failures.ofCause(original, e) != Failures.CORRUPT) {
        throw e;
      }
      version = SchemaCheck.versionOf(tables);
    }
    if (version == 0) {
      throw new RunStoreException(
          "cannot recover " + original.display() + ": it holds no Sluice run history");
    }
    if (version > Migrations.LATEST) {
      throw new RunStoreException(
          "cannot recover "
              + original.display()
              + ": its schema version "
              + version
              + " is from a newer Sluice; recover it with that version");
    }
    return version;
  }

  /** Copies a table's readable rows; returns {rows copied, row ids skipped}. */
  private static long[] copyTable(
      Connection source, Connection to, String table, List<String> columns) throws SQLException {
    if (columns.isEmpty()) {
      return new long[] {0, 0};
    }
    String list = String.join(", ", columns.stream().map(c -> '"' + c + '"').toList());
    // ">= next", never "> last": SQLite seeks "> last" by finding the row "last" first, which may
    // sit on the damaged page.
    String select =
        "SELECT rowid, " + list + " FROM " + table + " NOT INDEXED WHERE rowid >= ? ORDER BY rowid";
    String insert =
        "INSERT OR IGNORE INTO "
            + table
            + " ("
            + list
            + ") VALUES ("
            + String.join(", ", columns.stream().map(c -> "?").toList())
            + ")";
    long copied = 0;
    long skipped = 0;
    long from = 1; // the next row id to read; Sluice's rows have positive row ids
    boolean restarted = false;
    try (PreparedStatement write = to.prepareStatement(insert)) {
      while (true) {
        long readThisPass = 0;
        // A statement that met a damaged page is not reused: the driver closes it.
        try (PreparedStatement read = source.prepareStatement(select)) {
          read.setLong(1, from);
          try (ResultSet rs = read.executeQuery()) {
            while (rs.next()) {
              long rowid = rs.getLong(1);
              for (int i = 0; i < columns.size(); i++) {
                write.setObject(i + 1, rs.getObject(i + 2));
              }
              write.executeUpdate();
              from = rowid + 1;
              copied++;
              readThisPass++;
            }
          }
          return new long[] {copied, skipped};
        } catch (SQLException e) {
          if (!isCorrupt(e)) {
            throw e;
          }
          // Nothing read since a restart at a row the seek found: that row itself cannot be read
          // (a damaged overflow page), so it is skipped too.
          long bad = restarted && readThisPass == 0 ? from : from - 1;
          OptionalLong next = nextReadable(source, table, bad);
          if (next.isEmpty()) {
            return new long[] {copied, skipped + (bad - from + 1)};
          }
          log.debug(
              "{}: row ids {} to {} cannot be read, the copy goes on at {}",
              table,
              from,
              next.getAsLong() - 1,
              next.getAsLong());
          skipped += next.getAsLong() - from;
          from = next.getAsLong();
          restarted = true;
        }
      }
    }
  }

  /** Row ids: the first readable after {@code unreadable}; empty when none (or none is found). */
  private static OptionalLong nextReadable(Connection from, String table, long unreadable)
      throws SQLException {
    String seek =
        "SELECT rowid FROM " + table + " NOT INDEXED WHERE rowid >= ? ORDER BY rowid LIMIT 1";
    long bad = unreadable; // seeking at or below it meets the damage (or finds that row)
    long good = -1;
    for (long step = 1; step > 0 && bad + step > bad; step <<= 1) {
      if (probe(from, seek, bad + step) != null) {
        good = bad + step;
        break;
      }
      bad = bad + step;
    }
    if (good < 0) {
      return OptionalLong.empty();
    }
    while (good - bad > 1) {
      long mid = bad + (good - bad) / 2;
      if (probe(from, seek, mid) != null) {
        good = mid;
      } else {
        bad = mid;
      }
    }
    long[] found = probe(from, seek, good);
    return found == null || found.length == 0 ? OptionalLong.empty() : OptionalLong.of(found[0]);
  }

  /** The first row id at or after {@code at} ({} at the end); null when the seek meets damage. */
  private static long @Nullable [] probe(Connection from, String seek, long at)
      throws SQLException {
    try (PreparedStatement s = from.prepareStatement(seek)) {
      s.setLong(1, at);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? new long[] {rs.getLong(1)} : new long[0];
      }
    } catch (SQLException e) {
      if (!isCorrupt(e)) {
        throw e;
      }
      return null;
    }
  }

  private static boolean isCorrupt(SQLException e) {
    return Failures.isSqliteCorruption(e);
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException | UncheckedIOException e) {
      log.warn("cannot delete the recovery's working directory {}: {}", dir, e.toString());
    }
  }
}
