package dev.sluice.store;

import dev.sluice.api.settings.Settings;
import dev.sluice.api.store.RunStoreException;
import dev.sluice.wire.journal.JournalDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks and recovery of an SQLite run history file, for {@code sluice store check} and {@code
 * sluice store recover}. Neither writes to the file it examines.
 *
 * <p>The check is SQLite's full {@code PRAGMA integrity_check} — not time-bounded, unlike the check
 * a store makes when it opens — and Sluice's schema check. The recovery copies every row that can
 * still be read, table by table, to a new file with Sluice's schema (see {@code
 * docs/run-history.md} for what it can and cannot save).
 */
public final class SqliteStoreFiles {
  private static final Logger log = LoggerFactory.getLogger(SqliteStoreFiles.class);

  private SqliteStoreFiles() {}

  /** What a check found. */
  public enum Verdict {
    /** SQLite finds no problem and the schema is Sluice's. */
    HEALTHY,
    /** SQLite finds problems (or cannot read parts of the file). */
    CORRUPT,
    /** An SQLite database, but not a Sluice run history. */
    NOT_SLUICE
  }

  /**
   * The result of {@link #check}.
   *
   * @param file the file checked
   * @param verdict what the check found
   * @param schemaVersion the Sluice schema version the file records, 0 when unknown
   * @param problems what SQLite or the schema check reported, at most 20 of SQLite's
   */
  public record Check(Path file, Verdict verdict, int schemaVersion, List<String> problems) {
    public Check {
      problems = List.copyOf(problems);
    }

    public boolean healthy() {
      return verdict == Verdict.HEALTHY;
    }
  }

  /**
   * The result of {@link #recover}.
   *
   * @param from the file read (not changed)
   * @param to the new file
   * @param copied rows copied, by table
   * @param skipped rows that could not be read, by table (counted by row id, so an estimate)
   * @param journals journals of records kept aside for {@code from} that were stored in {@code to}
   * @param check the check of the new file
   */
  public record Recovery(
      Path from,
      Path to,
      Map<String, Long> copied,
      Map<String, Long> skipped,
      int journals,
      Check check) {
    public Recovery {
      copied = Map.copyOf(copied);
      skipped = Map.copyOf(skipped);
    }

    public long rowsCopied() {
      return copied.values().stream().mapToLong(Long::longValue).sum();
    }

    public long rowsSkipped() {
      return skipped.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * Checks {@code file} completely, by reading only. This reads every page, so it takes time in
   * proportion to the file's size (about 0.1–0.5 s per 100 MB on a local SSD).
   *
   * @throws RunStoreException when the file does not exist or is not an SQLite database
   */
  public static Check check(Path file, Settings settings) {
    Database database = existing(file, settings);
    Path path = Path.of(database.display());
    List<Path> absent = database.absentSidecars(); // a read-only connection leaves them behind
    try {
      return check(database, path);
    } finally {
      try {
        Database.deleteSidecars(absent);
      } catch (IOException e) {
        log.warn("cannot delete what checking {} left beside it: {}", path, e.toString());
      }
    }
  }

  private static Check check(Database database, Path path) {
    List<String> problems = new ArrayList<>();
    int version = 0;
    try (Connection connection = database.connectReadOnly()) {
      try {
        version = SchemaCheck.verify(database, connection);
      } catch (RunStoreException e) {
        return new Check(path, Verdict.NOT_SLUICE, 0, List.of(String.valueOf(e.getMessage())));
      } catch (SQLException e) {
        problems.add("its schema cannot be read: " + e.getMessage());
      }
      try {
        problems.addAll(IntegrityCheck.full(connection).problems());
      } catch (SQLException e) {
        problems.add(String.valueOf(e.getMessage()));
      }
    } catch (SQLException e) {
      if (Failures.ofCause(database, e) != Failures.CORRUPT) {
        throw new RunStoreException("cannot read the run store " + path + ": " + e.getMessage(), e);
      }
      problems.add(String.valueOf(e.getMessage()));
    }
    return new Check(
        path, problems.isEmpty() ? Verdict.HEALTHY : Verdict.CORRUPT, version, problems);
  }

  /** How long {@link #recover} waits for the journals handed over to be stored. */
  private static final Duration JOURNAL_WAIT = Duration.ofMinutes(5);

  /**
   * Copies what can be read of the run history {@code from} to the new file {@code to}, brings it
   * to the current schema, and stores there the records Sluice kept aside (in the journals of the
   * {@code settings}' journal directories) because {@code from} was corrupt. {@code from} is never
   * written; the new file appears only once complete.
   *
   * @throws RunStoreException when {@code from} does not exist, is not a Sluice run history or its
   *     schema cannot be read at all, or {@code to} exists
   */
  public static Recovery recover(Path from, Path to, Settings settings) {
    Database source = existing(from, settings);
    Path target = to.toAbsolutePath().normalize();
    Path sourcePath = Path.of(source.display());
    if (target.equals(sourcePath)) {
      throw new RunStoreException(
          "cannot recover " + sourcePath + " into itself: give a new file with --to");
    }
    for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
      Path existing = target.resolveSibling(target.getFileName() + suffix);
      if (Files.exists(existing)) {
        throw new RunStoreException(
            "cannot recover into "
                + target
                + ": "
                + existing
                + " exists, and recovery never overwrites a file; give a new file with --to, or"
                + " move that one away");
      }
    }
    Salvage salvage = Salvage.copy(source, target, settings);
    int journals = handOverJournals(source, target, settings);
    return new Recovery(
        sourcePath, target, salvage.copied(), salvage.skipped(), journals, check(target, settings));
  }

  /**
   * The journals kept aside for {@code source} name it as their store: they are handed to {@code
   * target} and stored there by opening a store on it, as any later start would.
   */
  private static int handOverJournals(Database source, Path target, Settings settings) {
    Database recovered = Database.sqlite(target.toString(), settings);
    int moved = 0;
    for (Path dir : source.journalDirs) {
      try {
        moved += new JournalDir(dir, source.display()).handOver(recovered.display()).size();
      } catch (IOException e) {
        throw new RunStoreException(
            "recovered "
                + target
                + ", but cannot hand it the records kept aside in "
                + dir
                + " for "
                + source.display()
                + ": "
                + e
                + "; run the recovery again into another new file once the directory is writable",
            e);
      }
    }
    if (moved > 0) {
      try (JdbcRunStore store = new JdbcRunStore(recovered)) {
        store.awaitReplay(JOURNAL_WAIT);
      }
    }
    return moved;
  }

  private static Database existing(Path file, Settings settings) {
    Path path = file.toAbsolutePath().normalize();
    if (!Files.isRegularFile(path)) {
      throw new RunStoreException(
          "there is no run store "
              + path
              + (Files.isDirectory(path) ? " (it is a directory)" : " (no such file)")
              + "; give the database file with --db, or see `sluice config view` for where the"
              + " store setting points");
    }
    Database database = Database.sqlite(path.toString(), settings);
    database.checkSqliteFile();
    return database;
  }
}
