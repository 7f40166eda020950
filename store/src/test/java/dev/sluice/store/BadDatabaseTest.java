package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.settings.Settings;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStoreException;
import dev.sluice.api.store.RunStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Map;
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
    assertThat(file.resolveSibling(file.getFileName() + "-journal")).doesNotExist();
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

  @Test
  void aCorruptDatabaseIsRefusedAndUntouched() throws Exception {
    Path file = dir.resolve("sluice.db");
    try (RunStore store = RunStores.open(file.toString(), Map.of())) {
      assertThat(store.location()).isEqualTo(file.toString());
    }
    // Keep SQLite's header (so it is recognised as a database) and overwrite the pages after it.
    byte[] content = bytes(file);
    byte[] corrupt = Arrays.copyOf(content, content.length);
    for (int i = 100; i < corrupt.length; i++) {
      corrupt[i] = (byte) (i * 31);
    }
    Files.write(file, corrupt);

    assertThatThrownBy(() -> RunStores.open(file.toString(), Map.of()))
        .isInstanceOf(RunStoreException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("is corrupt")
        .hasMessageContaining("does not repair or overwrite it");

    assertThat(bytes(file)).isEqualTo(corrupt);
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
  void anUnreachablePostgresqlIsRefusedNamingTheUrlWithoutItsPassword() {
    // Port 9 (discard) on loopback: nothing listens, so the connection is refused at once.
    String url = "jdbc:postgresql://127.0.0.1:9/runs?user=sluice&password=secret";

    assertThatThrownBy(() -> RunStores.open(url, Map.of()))
        .isInstanceOf(RunStoreException.class)
        .hasMessageContaining("jdbc:postgresql://127.0.0.1:9/runs?user=sluice&password=***")
        .hasMessageNotContaining("secret")
        .hasMessageContaining("Check that the PostgreSQL server is running");
  }

  @Test
  void aNewerPostgresqlSchemaIsRefused() throws Exception {
    String url = PostgresRunStoreTest.url();
    try (Connection c = Database.postgresql(url, Settings.of(Map.of())).connect();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA public CASCADE");
      s.execute("CREATE SCHEMA public");
    }
    RunStores.open(url, Map.of()).close();
    try (Connection c = Database.postgresql(url, Settings.of(Map.of())).connect();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO sluice_schema_version (version, script, installed_at) VALUES (99, 'x', 0)");
    }
    assertThatThrownBy(() -> RunStores.open(url, Map.of()))
        .isInstanceOf(RunStoreException.class)
        .hasMessageContaining("schema version 99")
        .hasMessageContaining("newer Sluice");
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
