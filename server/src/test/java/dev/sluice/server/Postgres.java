package dev.sluice.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** The PostgreSQL server of the tests, or a skip saying how to get one. */
final class Postgres {
  private Postgres() {}

  /** The URL of {@code schema}, emptied; skips the test when there is no server. */
  static String freshSchema(String schema) {
    String url = System.getenv("TEST_POSTGRES_URL");
    assumeTrue(
        url != null && !url.isBlank(),
        "PostgreSQL test skipped: TEST_POSTGRES_URL is unset (install Debian's postgresql; .ci/postgres"
            + " starts a server and prints the variable)");
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      assumeTrue(
          false, "PostgreSQL test skipped: cannot reach " + url + " (" + e.getMessage() + ")");
    }
    return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }
}
