package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.Flows;
import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commands against run history in a real PostgreSQL server ({@code TEST_POSTGRES_URL}, which
 * {@code .ci/postgres} starts), in a schema of their own so the store's tests, which reset the
 * public schema, do not get in the way.
 */
class PostgresHistoryTest {
  private static final Logger log = LoggerFactory.getLogger(PostgresHistoryTest.class);
  private static final String SCHEMA = "sluice_cli_test";

  @TempDir Path home;

  private static String url() {
    String url = System.getenv("TEST_POSTGRES_URL");
    assumeTrue(
        url != null && !url.isBlank(),
        "PostgreSQL test skipped: TEST_POSTGRES_URL is unset (.ci/postgres starts a server and"
            + " prints it)");
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
      s.execute("CREATE SCHEMA " + SCHEMA);
    } catch (SQLException e) {
      assumeTrue(
          false, "PostgreSQL test skipped: cannot reach " + url + " (" + e.getMessage() + ")");
    }
    return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA;
  }

  @Test
  void lsInspectAndLogsReadAPostgresStore() {
    String url = url();
    Flow<Void> pg =
        Flows.named("pg-flow").define(f -> f.action("say", () -> log.info("hello from postgres")));
    FlowRun run;
    try (Sluice sluice =
        Sluice.builder()
            .executor("threadpool")
            .setting("home", home.toString())
            .setting("store", url)
            .build()) {
      run = sluice.run(pg);
    }
    CliRunner cli = new CliRunner(home).env("SLUICE_STORE", url);

    CliRunner.Result ls = cli.run("flow-run", "ls");
    CliRunner.Result inspect = cli.run("flow-run", "inspect", run.id().toString());
    CliRunner.Result logs = cli.run("flow-run", "logs", run.id().toString());

    assertThat(ls.exitCode()).as(ls.err()).isZero();
    assertThat(ls.out()).containsPattern("(?m)^" + run.id() + " +pg-flow +Completed ");
    assertThat(inspect.out()).containsPattern("(?m)^say +Completed +1 ");
    assertThat(logs.out()).contains("say | hello from postgres");
  }

  @Test
  void anUnreachableServerIsAClearError() {
    String url = "jdbc:postgresql://127.0.0.1:1/sluice?user=sluice&password=topsecret";

    CliRunner.Result result = new CliRunner(home).env("SLUICE_STORE", url).run("flow-run", "ls");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .startsWith("error: ")
        .contains("127.0.0.1:1")
        .doesNotContain("topsecret");
  }
}
