package dev.sluice.client;

import com.google.auto.service.AutoService;
import dev.sluice.api.settings.Settings;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStoreException;
import dev.sluice.api.store.RunStoreProvider;
import java.util.Locale;

/**
 * Opens the run store that records through a Sluice server: a location that is an {@code http://}
 * or {@code https://} URL (the engine passes {@code api.url}). Found by {@link
 * dev.sluice.api.store.RunStores} through {@link java.util.ServiceLoader}; not meant to be used
 * directly.
 */
@AutoService(RunStoreProvider.class)
public final class RemoteStoreProvider implements RunStoreProvider {
  /** For {@link java.util.ServiceLoader}. */
  public RemoteStoreProvider() {}

  @Override
  public String name() {
    return "server";
  }

  @Override
  public boolean accepts(String location) {
    String l = location.strip().toLowerCase(Locale.ROOT);
    return l.startsWith("http://") || l.startsWith("https://");
  }

  /**
   * Opens the store; nothing is asked of the server yet, so a server that is down does not stop a
   * process from starting (its records wait, in memory and in the journal).
   *
   * @throws RunStoreException when the URL is not a Sluice server's URL
   * @throws IllegalArgumentException when an {@code api.*} setting is bad
   */
  @Override
  public RunStore open(String location, Settings settings) {
    SluiceClient client;
    try {
      client =
          SluiceClient.builder()
              .url(location)
              .token(settings.find(ClientSettings.TOKEN).orElse(null))
              .timeout(settings.get(ClientSettings.TIMEOUT))
              .build();
    } catch (IllegalArgumentException e) {
      throw new RunStoreException(
          "cannot record through the Sluice server at '"
              + location
              + "': "
              + e.getMessage()
              + " (set api.url, SLUICE_API_URL, to the server's URL)",
          e);
    }
    return new RemoteRunStore(client, settings);
  }
}
