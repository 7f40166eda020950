package dev.sluice.store;

import com.google.auto.service.AutoService;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStoreProvider;
import java.util.Map;

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
  public RunStore open(String location, Map<String, String> options) {
    Database database =
        location.startsWith("jdbc:postgresql:")
            ? Database.postgresql(location, options)
            : Database.sqlite(location, options);
    return new JdbcRunStore(database);
  }
}
