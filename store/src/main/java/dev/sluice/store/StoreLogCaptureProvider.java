package dev.sluice.store;

import com.google.auto.service.AutoService;
import dev.sluice.api.store.LogCapture;
import dev.sluice.api.store.LogCaptureProvider;

/**
 * This module's log capture (Logback, Log4j 2, {@code java.util.logging}; see {@link LogCaptures})
 * for run stores that bring none, such as the client's store that records through the server. Found
 * through {@link java.util.ServiceLoader}; not meant to be used directly.
 */
@AutoService(LogCaptureProvider.class)
public final class StoreLogCaptureProvider implements LogCaptureProvider {
  /** For {@link java.util.ServiceLoader}. */
  public StoreLogCaptureProvider() {}

  @Override
  public LogCapture install(Sink sink) {
    return LogCaptures.install(sink);
  }
}
