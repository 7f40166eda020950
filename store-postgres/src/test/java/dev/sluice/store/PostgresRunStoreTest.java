package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.api.settings.Settings;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStores;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The run-store contract on a real PostgreSQL server, at the JDBC URL in {@code TEST_POSTGRES_URL}
 * ({@code .ci/postgres} installs, starts and prints one). Skipped, saying so, when the variable is
 * unset or the server cannot be reached.
 */
class PostgresRunStoreTest extends RunStoreContract {
  static final String URL_VARIABLE = "TEST_POSTGRES_URL";

  /** The test server's URL; skips the calling test when there is none. */
  static String url() {
    String url = System.getenv(URL_VARIABLE);
    assumeTrue(
        url != null && !url.isBlank(),
        "PostgreSQL tests skipped: set "
            + URL_VARIABLE
            + " to a JDBC URL (run .ci/postgres as root: it installs the Debian 'postgresql'"
            + " package, starts it and prints the URL)");
    try (Connection c = database(url).connect()) {
      return url;
    } catch (SQLException e) {
      assumeTrue(
          false,
          "PostgreSQL tests skipped: cannot connect to "
              + URL_VARIABLE
              + " ("
              + e.getMessage()
              + "); start the server with .ci/postgres");
      throw new AssertionError(e);
    }
  }

  /** The test server's database, reached with the driver this artifact brings. */
  static Database database(String url) {
    return Database.postgresql(url, Settings.of(Map.of()), new org.postgresql.Driver());
  }

  @Test
  void aRecordTheServerRefusesIsDroppedAndTheWriterGoesOn() {
    UUID run = start(RunOwner.current());
    store.recorder().log(line(run, 1, "first"));
    store.recorder().log(line(run, 2, "a NUL \u0000 PostgreSQL text cannot hold"));
    store.recorder().log(line(run, 3, "third"));
    flush();
    store.recorder().log(line(run, 4, "after"));
    flush();

    assertThat(store.history().logs(run, 0, 10))
        .extracting(l -> l.line().message())
        .containsExactly("first", "third", "after");
    assertThat(store.history().flowRun(run)).isPresent();
  }

  @Test
  void connectionsKilledWhileRecordingLoseNothingAndNeverStallTheProducer(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path journals) throws Exception {
    store.close();
    store = RunStores.open(url(), Map.of("journal-dir", journals.toString()));
    UUID run = start(RunOwner.current());
    int lines = 3 * BatchWriter.CAPACITY; // more than memory holds: some wait in the journal
    Thread killer =
        new Thread(
            () -> {
              try (Connection c = database(url()).connect();
                  Statement s = c.createStatement()) {
                for (int i = 0; i < 20 && !Thread.currentThread().isInterrupted(); i++) {
                  // An outage as the writer sees it: its connection dies mid-transaction.
                  s.execute(
                      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                          + " WHERE application_name = 'sluice' AND pid <> pg_backend_pid()");
                  Thread.sleep(30);
                }
              } catch (Exception e) {
                // the test's judgement is what was stored
              }
            });
    killer.start();
    for (int i = 0; i < lines; i++) {
      store.recorder().log(line(run, i, "line " + i));
    }
    killer.join();
    assertThat(store.recorder().flush(Duration.ofSeconds(120))).isTrue();
    var stored = store.history().logs(run, 0, lines + 10);
    assertThat(stored).hasSize(lines);
    assertThat(stored.get(lines - 1).line().message()).isEqualTo("line " + (lines - 1));
  }

  @Override
  RunStore openEmpty() throws SQLException {
    String url = url();
    try (Connection c = database(url).connect();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA public CASCADE");
      s.execute("CREATE SCHEMA public");
    }
    return reopen();
  }

  @Override
  RunStore reopen(Map<String, String> options) {
    return RunStores.open(url(), options);
  }
}
