package dev.sluice.store;

import com.google.auto.service.AutoService;
import dev.sluice.api.settings.Settings;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStoreProvider;

/**
 * Opens SQLite stores: a file path or a {@code jdbc:sqlite:} URL. (PostgreSQL stores come with
 * {@code sluice-store-postgres}, which registers a provider of its own.) Found by {@link
 * dev.sluice.api.store.RunStores} through {@link java.util.ServiceLoader}; not meant to be used
 * directly.
 */
@AutoService(RunStoreProvider.class)
public final class SqliteStoreProvider implements RunStoreProvider {
  /** For {@link java.util.ServiceLoader}. */
  public SqliteStoreProvider() {}

  @Override
  public String name() {
    return "sqlite";
  }

  @Override
  public boolean accepts(String location) {
    // Not a URL of another kind: an http(s) location is a Sluice server (sluice-client).
    return location.startsWith("jdbc:sqlite:")
        || !(location.startsWith("jdbc:") || location.matches("(?i)https?://.*"));
  }

  @Override
  public RunStore open(String location, Settings settings) {
    return new JdbcRunStore(Database.sqlite(location, settings));
  }
}
