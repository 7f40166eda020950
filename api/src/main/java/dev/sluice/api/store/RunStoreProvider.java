package dev.sluice.api.store;

import dev.sluice.api.settings.Settings;

/**
 * Opens run stores of one kind. Register implementations for {@link java.util.ServiceLoader} (with
 * {@code @AutoService(RunStoreProvider.class)}); {@link RunStores#open} asks each whether it
 * accepts a location.
 */
public interface RunStoreProvider {
  /** A short name for messages, e.g. {@code "sqlite"}. */
  String name();

  /**
   * Whether this provider opens {@code location}: for example a {@code jdbc:postgresql:} URL, or a
   * file path.
   */
  boolean accepts(String location);

  /**
   * Opens (creating and migrating when needed) the store at {@code location}.
   *
   * @param settings the settings, from which the store reads the {@code store.*} ones it declares
   *     (e.g. {@code store.busy-timeout-ms}) in its {@link dev.sluice.api.settings.SettingsCatalog}
   * @throws RunStoreException naming the location and the fix when it cannot be opened
   * @throws IllegalArgumentException when a setting's value is bad, naming it and its source
   */
  RunStore open(String location, Settings settings);
}
