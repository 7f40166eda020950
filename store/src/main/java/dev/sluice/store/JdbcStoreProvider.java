package dev.sluice.store;

import com.google.auto.service.AutoService;
import dev.sluice.api.settings.Settings;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStoreProvider;

/**
 * Opens SQLite stores (a file path or a {@code jdbc:sqlite:} URL) and PostgreSQL stores (a {@code
 * jdbc:postgresql:} URL). Found by {@link dev.sluice.api.store.RunStores} through {@link
 * java.util.ServiceLoader}; not meant to be used directly.
 */
@AutoService(RunStoreProvider.class)
public final class JdbcStoreProvider implements RunStoreProvider {
  /** For {@link java.util.ServiceLoader}. */
  public JdbcStoreProvider() {}

  @Override
  public String name() {
    return "sqlite+postgresql";
  }

  @Override
  public boolean accepts(String location) {
    return location.startsWith("jdbc:postgresql:")
        || location.startsWith("jdbc:sqlite:")
        || !location.startsWith("jdbc:");
  }

  @Override
  public RunStore open(String location, Settings settings) {
    Database database =
        location.startsWith("jdbc:postgresql:")
            ? Database.postgresql(location, settings)
            : Database.sqlite(location, settings);
    return new JdbcRunStore(database);
  }
}
