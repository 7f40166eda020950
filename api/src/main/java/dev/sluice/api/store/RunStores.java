package dev.sluice.api.store;

import dev.sluice.api.settings.Settings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/**
 * Finds and opens run stores. Where the engine records comes from the {@code store} setting,
 * declared by the engine; this class opens a location it is given.
 *
 * {@snippet :
 * try (RunStore store = RunStores.open("/data/runs.db", Settings.load(Map.of()))) {
 *   store.history().flowRuns(FlowRunQuery.recent(20)).forEach(System.out::println);
 * }
 * }
 */
public final class RunStores {
  /** The file name of the default SQLite store in {@code $SLUICE_HOME}. */
  public static final String DEFAULT_FILE = "sluice.db";

  /** The artifact that brings PostgreSQL run stores, named when a PostgreSQL URL finds none. */
  private static final String POSTGRES_ARTIFACT = "dev.sluice:sluice-store-postgres";

  /** The artifact that records through a Sluice server, named when an API URL finds none. */
  private static final String CLIENT_ARTIFACT = "dev.sluice:sluice-client";

  private RunStores() {}

  /**
   * Opens the store at {@code location} with the first provider that accepts it, creating and
   * migrating the database when needed.
   *
   * @param settings the settings the store reads its {@code store.*} options from
   * @throws RunStoreException when no provider accepts the location (is {@code sluice-store} on the
   *     class path? for a {@code jdbc:postgresql:} URL, {@code sluice-store-postgres}?) or the
   *     database cannot be opened; the message says which and how to fix it
   */
  public static RunStore open(String location, Settings settings) {
    return open(location, settings, Thread.currentThread().getContextClassLoader());
  }

  /**
   * Like {@link #open(String, Settings)} with options given in code only (no system property,
   * environment or file), by key without the {@code store.} prefix, e.g. {@code
   * Map.of("busy-timeout-ms", "5000")}; {@code Map.of()} for the defaults.
   */
  public static RunStore open(String location, Map<String, String> options) {
    Map<String, String> keys = new HashMap<>();
    options.forEach((k, v) -> keys.put("store." + k, v));
    return open(location, Settings.of(keys));
  }

  /** Like {@link #open(String, Settings)}, looking for providers with {@code loader}. */
  public static RunStore open(String location, Settings settings, @Nullable ClassLoader loader) {
    List<String> names = new ArrayList<>();
    for (RunStoreProvider provider : ServiceLoader.load(RunStoreProvider.class, loader)) {
      names.add(provider.name());
      if (provider.accepts(location)) {
        return provider.open(location, settings);
      }
    }
    if (location.startsWith("jdbc:postgresql:")) {
      throw new RunStoreException(
          "cannot open the run store at "
              + location.replaceAll("(?i)(password=)[^&;]*", "$1***")
              + ": PostgreSQL support is not on the class path; add the dependency "
              + POSTGRES_ARTIFACT
              + " (beside sluice-store), or set sluice.store to a file path for a local SQLite"
              + " store, or to 'off'");
    }
    if (location.startsWith("http://") || location.startsWith("https://")) {
      throw new RunStoreException(
          "cannot record through the Sluice server at "
              + location
              + ": the server's client is not on the class path; add the dependency "
              + CLIENT_ARTIFACT
              + ", or unset api.url (SLUICE_API_URL) to record into a local store");
    }
    throw new RunStoreException(
        names.isEmpty()
            ? "cannot open the run store at "
                + location
                + ": no run-store implementation is on the class path; add the dev.sluice:"
                + "sluice-store dependency, or set sluice.store=off to run without history"
            : "cannot open the run store at "
                + location
                + ": none of the available stores "
                + names
                + " accepts it; give an SQLite file path or a jdbc:postgresql: URL");
  }
}
