package dev.sluice.store;

import dev.sluice.api.settings.Settings;
import dev.sluice.api.store.RunStore;
import java.sql.Driver;

/**
 * Opens run stores of a database server on this module's JDBC machinery (writer, reader,
 * migrations, dialects), for the artifact that brings the server's driver: {@code
 * sluice-store-postgres}. Applications do not call it; they open stores with {@link
 * dev.sluice.api.store.RunStores#open}.
 *
 * <p>Why the dialect stays here: what differs between SQLite and PostgreSQL is a few SQL texts and
 * how transactions and migrations are serialised, woven into the writer's transaction protocol.
 * Publishing it as an SPI would freeze that protocol; keeping it here leaves the driver (the
 * dependency users did not ask for) as the only thing the PostgreSQL artifact adds.
 */
public final class JdbcRunStores {
  private JdbcRunStores() {}

  /**
   * Opens (creating and migrating when needed) the store in the PostgreSQL database at {@code url}.
   *
   * @param settings the settings the store reads its options from ({@code store.user}, {@code
   *     store.password}, {@code store.connect-timeout-s})
   * @param driver the PostgreSQL JDBC driver
   * @throws dev.sluice.api.store.RunStoreException naming the URL (password masked) and the fix
   *     when the server cannot be reached or its schema is not one this store can use
   */
  public static RunStore postgresql(String url, Settings settings, Driver driver) {
    return new JdbcRunStore(Database.postgresql(url, settings, driver));
  }
}
