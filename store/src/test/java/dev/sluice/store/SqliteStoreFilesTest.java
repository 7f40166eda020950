package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.State;
import dev.sluice.api.settings.Settings;
import dev.sluice.api.store.FlowRunQuery;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.FlowRunSummary;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStoreException;
import dev.sluice.api.store.RunStores;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice store check} and {@code recover} on the corruption of issue 18: one page of 4096
 * bytes overwritten with random bytes, as {@code dd if=/dev/urandom of=sluice.db bs=4096 seek=14
 * count=1 conv=notrunc} does.
 */
class SqliteStoreFilesTest {
  private static final int PAGE = 4096;
  private static final int RUNS = 400;

  @TempDir Path dir;

  private Settings settings() {
    return Settings.of(Map.of("store.journal-dir", dir.resolve("journal").toString()));
  }

  /** A closed Sluice history of {@link #RUNS} completed runs, larger than 15 pages. */
  private Path history() throws Exception {
    Path file = dir.resolve("sluice.db");
    try (RunStore store = RunStores.open(file.toString(), settings())) {
      for (int i = 0; i < RUNS; i++) {
        recordRun(store);
      }
      assertThat(store.recorder().flush(Duration.ofSeconds(30))).isTrue();
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      assertThat(single(s, "PRAGMA page_size")).isEqualTo(PAGE);
      assertThat(single(s, "PRAGMA page_count")).isGreaterThan(15);
    }
    return file;
  }

  private static UUID recordRun(RunStore store) {
    UUID run = UUID.randomUUID();
    store
        .recorder()
        .flowRunStarted(
            new FlowRunStart(
                run, RunStoreContract.FLOW, "{}", null, null, Instant.now(), RunOwner.current()));
    store
        .recorder()
        .flowRunStateChanged(
            new FlowRunEvent(run, "etl", null, State.PENDING, State.COMPLETED, Instant.now(), 1));
    return run;
  }

  private static long single(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Overwrites the 4096 bytes at offset 14 × 4096 with random bytes (dd's seek=14). */
  static void corruptPage14(Path file) throws Exception {
    corruptAt(file, 14);
  }

  /** Overwrites the page at {@code offsetInPages} × 4096 (SQLite's page number minus one). */
  private static void corruptAt(Path file, long offsetInPages) throws Exception {
    byte[] garbage = new byte[PAGE];
    new Random(offsetInPages).nextBytes(garbage);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(offsetInPages * PAGE);
      raf.write(garbage);
    }
  }

  /** The leaf pages of a table, in key order, from SQLite's dbstat table. */
  private static java.util.List<Long> leafPages(Path file, String table) throws SQLException {
    java.util.List<Long> pages = new java.util.ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        PreparedStatement s =
            c.prepareStatement(
                "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY path")) {
      s.setString(1, table);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          pages.add(rs.getLong(1));
        }
      }
    }
    return pages;
  }

  /**
   * Per table, the rows that can still be read one by one through their row id — independent of how
   * the recovery reads (ranges, seeks): what it must keep.
   */
  private static Map<String, Long> readableRows(Path file, Map<String, Long> maxRowIds)
      throws Exception {
    Map<String, Long> readable = new LinkedHashMap<>();
    Path copy = Files.createTempDirectory("readable").resolve("copy.db");
    Files.copy(file, copy);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy)) {
      for (Map.Entry<String, Long> table : maxRowIds.entrySet()) {
        long count = 0;
        String sql = "SELECT * FROM " + table.getKey() + " NOT INDEXED WHERE rowid = ?";
        for (long rowid = 1; rowid <= table.getValue(); rowid++) {
          // A new statement each time: the driver closes one that met a damaged page.
          try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, rowid);
            try (ResultSet rs = s.executeQuery()) {
              if (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                  rs.getObject(i);
                }
                count++;
              }
            }
          } catch (SQLException e) {
            // on the damaged page
          }
        }
        readable.put(table.getKey(), count);
      }
    }
    return readable;
  }

  private static Map<String, Long> maxRowIds(Path file) throws SQLException {
    Map<String, Long> max = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      for (String table : SchemaCheck.expected(Migrations.LATEST).keySet()) {
        if (!table.equals(Migrations.VERSION_TABLE)) {
          max.put(table, single(s, "SELECT COALESCE(MAX(rowid), 0) FROM " + table));
        }
      }
    }
    return max;
  }

  private static Set<UUID> runIds(Path file) {
    try (RunStore store = RunStores.open(file.toString(), Map.of())) {
      return store.history().flowRuns(FlowRunQuery.recent(10 * RUNS)).stream()
          .map(FlowRunSummary::id)
          .collect(Collectors.toSet());
    }
  }

  @Test
  void aHealthyHistoryChecksHealthy() throws Exception {
    Path file = history();
    byte[] before = Files.readAllBytes(file);

    SqliteStoreFiles.Check check = SqliteStoreFiles.check(file, settings());

    assertThat(check.verdict()).isEqualTo(SqliteStoreFiles.Verdict.HEALTHY);
    assertThat(check.problems()).isEmpty();
    assertThat(check.schemaVersion()).isEqualTo(Migrations.LATEST);
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    assertThat(dir.resolve("sluice.db-wal")).doesNotExist();
    assertThat(dir.resolve("sluice.db-shm")).doesNotExist();
  }

  @Test
  void aPageOfRandomBytesChecksCorruptAndRecoveryKeepsEveryReadableRowInAHealthyNewFile()
      throws Exception {
    Path file = history();
    Set<UUID> original = runIds(file);
    Map<String, Long> maxRowIds = maxRowIds(file);
    corruptPage14(file);
    byte[] corrupt = Files.readAllBytes(file);
    Map<String, Long> readable = readableRows(file, maxRowIds);

    SqliteStoreFiles.Check check = SqliteStoreFiles.check(file, settings());
    assertThat(check.verdict()).isEqualTo(SqliteStoreFiles.Verdict.CORRUPT);
    assertThat(check.problems()).isNotEmpty();
    assertThat(check.file()).isEqualTo(file);

    Path recovered = dir.resolve("recovered.db");
    SqliteStoreFiles.Recovery recovery = SqliteStoreFiles.recover(file, recovered, settings());

    assertThat(recovery.check().verdict()).isEqualTo(SqliteStoreFiles.Verdict.HEALTHY);
    assertThat(SqliteStoreFiles.check(recovered, settings()).healthy()).isTrue();
    assertThat(recovery.copied()).isEqualTo(readable);
    assertThat(Files.readAllBytes(file)).as("the source is not changed").isEqualTo(corrupt);
    assertThat(dir.resolve("sluice.db-wal")).doesNotExist();
    assertThat(dir.resolve("sluice.db-shm")).doesNotExist();
    try (var left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .as("no working file is left")
          .noneMatch(n -> n.contains("recovering"));
    }
    Set<UUID> kept = runIds(recovered);
    assertThat(original).containsAll(kept);
    assertThat((long) kept.size()).isEqualTo(readable.get("sluice_flow_runs"));
    // The recovered file is a working store: it takes new runs.
    try (RunStore store = RunStores.open(recovered.toString(), settings())) {
      UUID next = recordRun(store);
      assertThat(store.recorder().flush(Duration.ofSeconds(30))).isTrue();
      assertThat(store.history().flowRun(next)).isPresent();
    }
  }

  @Test
  void aDamagedLeafInTheMiddleOfATableLosesOnlyItsRowsAndTheCopyGoesOnAfterIt() throws Exception {
    Path file = history();
    Map<String, Long> maxRowIds = maxRowIds(file);
    java.util.List<Long> leaves = leafPages(file, "sluice_flow_runs");
    assertThat(leaves).hasSizeGreaterThan(2);
    corruptAt(file, leaves.get(leaves.size() / 2) - 1);
    Map<String, Long> readable = readableRows(file, maxRowIds);
    assertThat(readable.get("sluice_flow_runs")).isLessThan(maxRowIds.get("sluice_flow_runs"));

    SqliteStoreFiles.Recovery recovery =
        SqliteStoreFiles.recover(file, dir.resolve("recovered.db"), settings());

    assertThat(recovery.copied()).isEqualTo(readable);
    assertThat(recovery.skipped().get("sluice_flow_runs"))
        .isEqualTo(maxRowIds.get("sluice_flow_runs") - readable.get("sluice_flow_runs"));
    assertThat(recovery.check().healthy()).isTrue();
  }

  @Test
  void theRecordsKeptAsideForTheCorruptFileAreStoredInTheRecoveredOne() throws Exception {
    Path file = history();
    corruptPage14(file);
    UUID lateRun;
    RunStore store = RunStores.open(file.toString(), settings());
    lateRun = recordRun(store);
    store.close();
    assertThat(store.unstoredAtClose()).as("kept aside, not written").isEqualTo(2);

    Path recovered = dir.resolve("recovered.db");
    SqliteStoreFiles.Recovery recovery = SqliteStoreFiles.recover(file, recovered, settings());

    assertThat(recovery.journals()).isEqualTo(1);
    try (RunStore reopened = RunStores.open(recovered.toString(), settings())) {
      var run = reopened.history().flowRun(lateRun);
      assertThat(run).isPresent();
      assertThat(run.get().run().state().name()).isEqualTo("Completed");
    }
    try (var journals = Files.list(dir.resolve("journal"))) {
      assertThat(journals.map(p -> p.getFileName().toString()))
          .as("stored, then deleted")
          .noneMatch(n -> n.endsWith(".journal"));
    }
  }

  @Test
  void recoveryRefusesAnExistingTargetAndTouchesNeither() throws Exception {
    Path file = history();
    corruptPage14(file);
    Path target = dir.resolve("taken.db");
    Files.writeString(target, "mine");

    assertThatThrownBy(() -> SqliteStoreFiles.recover(file, target, settings()))
        .isInstanceOf(RunStoreException.class)
        .hasMessageContaining(target.toString())
        .hasMessageContaining("exists")
        .hasMessageContaining("--to");
    assertThat(Files.readString(target)).isEqualTo("mine");
    assertThatThrownBy(() -> SqliteStoreFiles.recover(file, file, settings()))
        .isInstanceOf(RunStoreException.class)
        .hasMessageContaining("into itself");
  }

  @Test
  void aMissingFileOrAnotherApplicationsDatabaseIsNamed() throws Exception {
    Path missing = dir.resolve("nothing.db");
    assertThatThrownBy(() -> SqliteStoreFiles.check(missing, settings()))
        .isInstanceOf(RunStoreException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("no such file");
    Path other = dir.resolve("other.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)");
    }
    SqliteStoreFiles.Check check = SqliteStoreFiles.check(other, settings());
    assertThat(check.verdict()).isEqualTo(SqliteStoreFiles.Verdict.NOT_SLUICE);
    assertThat(check.problems().get(0)).contains("not a Sluice run history");
    assertThatThrownBy(() -> SqliteStoreFiles.recover(other, dir.resolve("new.db"), settings()))
        .isInstanceOf(RunStoreException.class)
        .hasMessageContaining("not a Sluice run history");
    assertThat(new HashSet<>(java.util.List.of(dir.toFile().list()))).doesNotContain("new.db");
  }
}
