package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.State;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStoreException;
import dev.sluice.api.store.RunStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database Sluice must not use is refused at start with a message naming it and the fix, and is
 * left byte for byte as it was.
 */
class BadDatabaseTest {
  @TempDir Path dir;

  private static byte[] bytes(Path file) throws Exception {
    return Files.readAllBytes(file);
  }

  private static void assertNoSidecars(Path file) {
    assertThat(file.resolveSibling(file.getFileName() + "-wal")).doesNotExist();
    assertThat(file.resolveSibling(file.getFileName() + "-shm")).doesNotExist();
    assertThat(file.resolveSibling(file.getFileName() + "-journal")).doesNotExist();
  }

  /** A Sluice database with a few runs in it, closed. */
  private Path sluiceDatabaseWithRuns() throws Exception {
    Path file = dir.resolve("sluice.db");
    try (RunStore store = RunStores.open(file.toString(), Map.of())) {
      for (int i = 0; i < 200; i++) {
        UUID run = UUID.randomUUID();
        store
            .recorder()
            .flowRunStarted(
                new FlowRunStart(
                    run,
                    RunStoreContract.FLOW,
                    "{}",
                    null,
                    null,
                    Instant.now(),
                    RunOwner.current()));
        store
            .recorder()
            .flowRunStateChanged(
                new FlowRunEvent(
                    run, "etl", null, State.PENDING, State.COMPLETED, Instant.now(), 1));
      }
      assertThat(store.recorder().flush(Duration.ofSeconds(30))).isTrue();
    }
    assertNoSidecars(file);
    return file;
  }

  @Test
  void aDatabaseWithSluiceTablesOfAnotherApplicationIsNotASluiceRunHistoryAndUntouched()
      throws Exception {
    Path file = dir.resolve("other.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      // Another application's "sluice" (a water-gate controller, say), in rollback-journal mode.
      s.execute("CREATE TABLE sluice_schema_version (gate TEXT, opened_at TEXT)");
      s.execute("INSERT INTO sluice_schema_version VALUES ('north', '2026-01-01')");
      s.execute("CREATE TABLE sluice_flow_runs (gate TEXT, litres REAL)");
    }
    byte[] before = bytes(file);

    assertThatThrownBy(() -> RunStores.open(file.toString(), Map.of()))
        .isInstanceOf(RunStoreException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("not a Sluice run history")
        .hasMessageContaining("sluice_schema_version")
        .hasMessageNotContaining("readable and writable");

    assertThat(bytes(file)).isEqualTo(before); // not even switched to WAL mode
    assertNoSidecars(file);
  }

  @Test
  void aSluiceSchemaVersionWithoutItsTablesIsNotASluiceRunHistory() throws Exception {
    Path file = dir.resolve("half.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE sluice_schema_version (version INTEGER PRIMARY KEY, script TEXT NOT NULL,"
              + " installed_at BIGINT NOT NULL)");
      s.execute("INSERT INTO sluice_schema_version VALUES (1, 'V1__run_history.sql', 0)");
      s.execute("CREATE TABLE sluice_flows (name TEXT)");
    }
    byte[] before = bytes(file);

    assertThatThrownBy(() -> RunStores.open(file.toString(), Map.of()))
        .isInstanceOf(RunStoreException.class)
        .hasMessageContaining("not a Sluice run history")
        .hasMessageContaining("schema version 1")
        .hasMessageContaining("sluice_flow_runs") // missing
        .hasMessageContaining("sluice_flows lacks the columns [version, description");

    assertThat(bytes(file)).isEqualTo(before);
    assertNoSidecars(file);
  }

  @Test
  void aTruncatedDatabaseIsNotWrittenAndLeavesNoFileBesideIt() throws Exception {
    Path file = sluiceDatabaseWithRuns();
    long size = Files.size(file);
    assertThat(size).isGreaterThan(4 * 4096);
    try (var channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(size / 2);
    }
    byte[] before = bytes(file);

    // Corrupt: never written, the run's records kept aside (see the test above).
    assertThat(recordOneRunInto(file)).isEqualTo(2);

    assertThat(bytes(file)).isEqualTo(before);
    assertNoSidecars(file);
  }

  @Test
  void aFileThatIsNotAnSqliteDatabaseIsRefusedAndUntouched() throws Exception {
    Path file = dir.resolve("notes.db");
    Files.writeString(file, "these are my notes, not a database\n".repeat(100));
    byte[] before = bytes(file);

    assertThatThrownBy(() -> RunStores.open(file.toString(), Map.of()))
        .isInstanceOf(RunStoreException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("is not an SQLite database")
        .hasMessageContaining("sluice.store");

    assertThat(bytes(file)).isEqualTo(before);
    assertNoSidecars(file);
  }

  @Test
  void anSqliteDatabaseOfAnotherApplicationIsRefusedAndUntouched() throws Exception {
    Path file = dir.resolve("other.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)");
      s.execute("INSERT INTO invoices (amount) VALUES (12.5)");
    }
    byte[] before = bytes(file);

    assertThatThrownBy(() -> RunStores.open(file.toString(), Map.of()))
        .isInstanceOf(RunStoreException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("another application")
        .hasMessageContaining("[invoices]")
        .hasMessageContaining("sluice.store");

    assertThat(bytes(file)).isEqualTo(before);
  }

  /** Opens {@code file}, records one run, closes; returns how many records were not stored. */
  private long recordOneRunInto(Path file) {
    Path journals = dir.resolve("journal");
    RunStore store = RunStores.open(file.toString(), Map.of("journal-dir", journals.toString()));
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
    store.close();
    return store.unstoredAtClose();
  }

  @Test
  void aCorruptDatabaseIsNeverWrittenAndTheRunsRecordsAreKeptAside() throws Exception {
    Path file = sluiceDatabaseWithRuns();
    // Keep SQLite's header (so it is recognised as a database) and overwrite the pages after it.
    byte[] content = bytes(file);
    byte[] corrupt = Arrays.copyOf(content, content.length);
    for (int i = 100; i < corrupt.length; i++) {
      corrupt[i] = (byte) (i * 31);
    }
    Files.write(file, corrupt);

    assertThat(recordOneRunInto(file)).isEqualTo(2); // kept in the journal, not written
    assertThat(bytes(file)).isEqualTo(corrupt);
    assertNoSidecars(file);
    try (var journals = Files.list(dir.resolve("journal"))) {
      assertThat(journals.map(f -> f.getFileName().toString()))
          .anyMatch(n -> n.endsWith(".journal"));
    }
  }

  @Test
  void aDatabaseFromANewerSchemaIsRefusedAndUntouched() throws Exception {
    Path file = dir.resolve("sluice.db");
    RunStores.open(file.toString(), Map.of()).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO sluice_schema_version (version, script, installed_at) VALUES ("
              + (Migrations.LATEST + 1)
              + ", 'V99__future.sql', 0)");
    }
    byte[] before = bytes(file);

    assertThatThrownBy(() -> RunStores.open(file.toString(), Map.of()))
        .isInstanceOf(RunStoreException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("schema version " + (Migrations.LATEST + 1))
        .hasMessageContaining("newer Sluice")
        .hasMessageContaining("Upgrade Sluice");

    assertThat(bytes(file)).isEqualTo(before);
  }

  @Test
  void aDirectoryIsRefused() {
    assertThatThrownBy(() -> RunStores.open(dir.toString(), Map.of()))
        .isInstanceOf(RunStoreException.class)
        .hasMessageContaining(dir + " is a directory");
  }

  @Test
  void aPostgresqlUrlWithoutThePostgresArtifactNamesIt() {
    // sluice-store brings SQLite only; PostgreSQL is sluice-store-postgres, not on this class path.
    String url = "jdbc:postgresql://db.example/runs?user=sluice&password=secret";

    assertThatThrownBy(() -> RunStores.open(url, Map.of()))
        .isInstanceOf(RunStoreException.class)
        .hasMessageContaining("dev.sluice:sluice-store-postgres")
        .hasMessageContaining("jdbc:postgresql://db.example/runs?user=sluice&password=***")
        .hasMessageNotContaining("secret");
  }

  @Test
  void noProviderForAForeignJdbcUrlSaysWhatIsAccepted() {
    assertThatThrownBy(() -> RunStores.open("jdbc:mysql://localhost/runs", Map.of()))
        .isInstanceOf(RunStoreException.class)
        .hasMessageContaining("jdbc:mysql://localhost/runs")
        .hasMessageContaining("jdbc:postgresql:");
  }

  @Test
  void textFilesWithTheSqliteNameStillNeedTheHeader() throws Exception {
    Path file = dir.resolve("short.db");
    Files.write(file, "SQLite".getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> RunStores.open(file.toString(), Map.of()))
        .hasMessageContaining("is not an SQLite database");
    assertThat(Files.readString(file)).isEqualTo("SQLite");
  }
}
