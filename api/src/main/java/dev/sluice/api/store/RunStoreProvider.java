package dev.sluice.api.store;

import java.util.Map;

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
   * @param options the {@code sluice.store.*} settings, without that prefix
   * @throws RunStoreException naming the location and the fix when it cannot be opened
   */
  RunStore open(String location, Map<String, String> options);
}
