package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.settings.Settings;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStores;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run-store contract on a real SQLite file. */
class SqliteRunStoreTest extends RunStoreContract {
  @TempDir Path dir;

  @Override
  RunStore openEmpty() {
    return reopen();
  }

  @Override
  RunStore reopen(Map<String, String> options) {
    return RunStores.open(dir.resolve("nested/dir/sluice.db").toString(), options);
  }

  @Test
  void theFileIsInWalModeAndAtTheLatestSchemaVersion() throws Exception {
    Database database =
        Database.sqlite(dir.resolve("nested/dir/sluice.db").toString(), Settings.of(Map.of()));
    try (Connection c = database.connect();
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("wal");
      }
      try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM sluice_schema_version")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(Migrations.LATEST);
      }
    }
    assertThat(store.location()).isEqualTo(dir.resolve("nested/dir/sluice.db").toString());
  }

  @Test
  void aProducerFasterThanTheWriterWaitsForRoomAndLosesNothingEvenWhenInterrupted() {
    java.util.UUID run = start(dev.sluice.api.store.RunOwner.current());
    int tasks = BatchWriter.CAPACITY; // 2 transitions each: twice what the queue holds
    Thread.currentThread().interrupt(); // e.g. a task being cancelled while it records
    try {
      for (int i = 0; i < tasks; i++) {
        java.util.UUID task = new java.util.UUID(run.getMostSignificantBits(), i);
        task(run, task, "t" + i, null, dev.sluice.api.State.RUNNING, 1, 1);
        task(
            run, task, "t" + i, dev.sluice.api.State.RUNNING, dev.sluice.api.State.COMPLETED, 2, 1);
      }
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    flush();
    assertThat(store.history().flowRun(run).orElseThrow().taskRuns())
        .hasSize(tasks)
        .allSatisfy(t -> assertThat(t.history()).hasSize(2));
  }

  @Test
  void reopeningAMigratedStoreAppliesNothingTwice() throws Exception {
    store.close();
    store = reopen();
    Database database = Database.sqlite(store.location(), Settings.of(Map.of()));
    try (Connection c = database.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM sluice_schema_version")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(Migrations.LATEST);
    }
  }
}
