package dev.sluice.store.postgres;

import com.google.auto.service.AutoService;
import dev.sluice.api.settings.Settings;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStoreProvider;
import dev.sluice.store.JdbcRunStores;

/**
 * Opens PostgreSQL stores (a {@code jdbc:postgresql:} URL) with the PostgreSQL driver this artifact
 * brings. Found by {@link dev.sluice.api.store.RunStores} through {@link java.util.ServiceLoader};
 * not meant to be used directly.
 */
@AutoService(RunStoreProvider.class)
public final class PostgresStoreProvider implements RunStoreProvider {
  /** For {@link java.util.ServiceLoader}. */
  public PostgresStoreProvider() {}

  @Override
  public String name() {
    return "postgresql";
  }

  @Override
  public boolean accepts(String location) {
    return location.startsWith("jdbc:postgresql:");
  }

  @Override
  public RunStore open(String location, Settings settings) {
    return JdbcRunStores.postgresql(location, settings, new org.postgresql.Driver());
  }
}
