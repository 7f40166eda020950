package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.store.RunStoreException;
import dev.sluice.api.store.RunStores;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A PostgreSQL database Sluice must not use is refused at start with a message naming the fix. */
class PostgresBadDatabaseTest {
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
    try (Connection c = PostgresRunStoreTest.database(url).connect();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA public CASCADE");
      s.execute("CREATE SCHEMA public");
    }
    RunStores.open(url, Map.of()).close();
    try (Connection c = PostgresRunStoreTest.database(url).connect();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO sluice_schema_version (version, script, installed_at) VALUES (99, 'x', 0)");
    }
    assertThatThrownBy(() -> RunStores.open(url, Map.of()))
        .isInstanceOf(RunStoreException.class)
        .hasMessageContaining("schema version 99")
        .hasMessageContaining("newer Sluice");
  }
}
