package dev.sluice.server;

/** The API's contract on an SQLite store. */
class SqliteApiTest extends ApiContract {
  @Override
  String location() {
    return home.resolve("sluice.db").toString();
  }
}
