package dev.sluice.server;

/**
 * The API's contract on a PostgreSQL store ({@code TEST_POSTGRES_URL}, which {@code .ci/postgres}
 * starts), in a schema of its own, emptied before each test.
 */
class PostgresApiTest extends ApiContract {
  static final String SCHEMA = "sluice_server_test";

  @Override
  String location() {
    return Postgres.freshSchema(SCHEMA);
  }
}
