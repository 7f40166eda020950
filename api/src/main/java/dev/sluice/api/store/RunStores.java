package dev.sluice.api.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/**
 * Finds and opens run stores. The location comes from the {@code store} setting ({@code
 * sluice.store} / {@code SLUICE_STORE}): unset means SQLite at {@code $SLUICE_HOME/sluice.db};
 * {@code off} (or {@code none}, {@code false}) turns recording off; a {@code jdbc:} URL names a
 * database server; anything else is the path of an SQLite file.
 *
 * {@snippet :
 * Optional<String> location = RunStores.location(settings.get("store").orElse(null), settings.home());
 * try (RunStore store = RunStores.open(location.orElseThrow(), Map.of())) {
 *   store.history().flowRuns(FlowRunQuery.recent(20)).forEach(System.out::println);
 * }
 * }
 */
public final class RunStores {
  /** The file name of the default SQLite store in {@code $SLUICE_HOME}. */
  public static final String DEFAULT_FILE = "sluice.db";

  /** The artifact that brings PostgreSQL run stores, named when a PostgreSQL URL finds none. */
  private static final String POSTGRES_ARTIFACT = "dev.sluice:sluice-store-postgres";

  private RunStores() {}

  /**
   * The store location a {@code store} setting means, or empty when it turns recording off.
   *
   * @param setting the setting's value, null when unset
   * @param home {@code $SLUICE_HOME}
   */
  public static Optional<String> location(@Nullable String setting, Path home) {
    if (setting == null || setting.isBlank()) {
      return Optional.of(home.resolve(DEFAULT_FILE).toAbsolutePath().toString());
    }
    String value = setting.strip();
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "off", "none", "false", "disabled" -> Optional.empty();
      default -> Optional.of(value);
    };
  }

  /**
   * Opens the store at {@code location} with the first provider that accepts it, creating and
   * migrating the database when needed.
   *
   * @param options the {@code sluice.store.*} settings, without that prefix
   * @throws RunStoreException when no provider accepts the location (is {@code sluice-store} on the
   *     class path? for a {@code jdbc:postgresql:} URL, {@code sluice-store-postgres}?) or the
   *     database cannot be opened; the message says which and how to fix it
   */
  public static RunStore open(String location, Map<String, String> options) {
    return open(location, options, Thread.currentThread().getContextClassLoader());
  }

  /** Like {@link #open(String, Map)}, looking for providers with {@code loader}. */
  public static RunStore open(
      String location, Map<String, String> options, @Nullable ClassLoader loader) {
    List<String> names = new ArrayList<>();
    for (RunStoreProvider provider : ServiceLoader.load(RunStoreProvider.class, loader)) {
      names.add(provider.name());
      if (provider.accepts(location)) {
        return provider.open(location, options);
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
