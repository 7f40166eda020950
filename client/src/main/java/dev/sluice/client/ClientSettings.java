package dev.sluice.client;

import com.google.auto.service.AutoService;
import dev.sluice.api.settings.Setting;
import dev.sluice.api.settings.Settings;
import dev.sluice.api.settings.SettingsCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The settings of the client and of the run store that records through the server. The engine reads
 * {@link #URL} by its key: when it is set, runs are recorded through that server.
 */
@AutoService(SettingsCatalog.class)
public final class ClientSettings implements SettingsCatalog {
  /** The server's API URL. */
  public static final Setting<String> URL =
      Setting.of("api.url", "an http:// or https:// URL of a Sluice server", ApiUrl::normalise)
          .example("http://127.0.0.1:4200")
          .defaultText("none (record into the local store)")
          .description(
              "the Sluice server's URL (http://host:port, also with /api or /api/v1); when set,"
                  + " runs are recorded and read through that server instead of the local store")
          .build();

  /** The bearer token sent to the server. */
  public static final Setting<String> TOKEN =
      Setting.text("api.token")
          .defaultText("none")
          .description(
              "the token sent to the server (Authorization: Bearer), one it handed out with POST"
                  + " /api/v1/tokens or sluice server token create")
          .secret()
          .build();

  /** How long one request may take. */
  public static final Setting<Duration> TIMEOUT =
      Setting.duration("api.timeout")
          .check(d -> !d.isZero(), "a duration > 0, such as PT30S, or a number of milliseconds")
          .defaultValue(Duration.ofSeconds(60))
          .description(
              "how long a request to the server may take; also how long closing waits for the"
                  + " server to take the records still unsent")
          .build();

  /** Records held in memory before they spill to the journal. */
  public static final Setting<Integer> QUEUE =
      Setting.positiveInt("api.queue")
          .defaultValue(100_000)
          .description(
              "how many records wait in memory while the server is slow or away before they"
                  + " spill to the journal on disk")
          .build();

  /** Where records wait on disk while the server is away. */
  public static final Setting<Path> JOURNAL_DIR =
      Setting.path("api.journal-dir")
          .defaultText("$SLUICE_HOME/journal")
          .description(
              "where records wait on disk while the server is away; the next process with the"
                  + " same api.url and directory sends what a process left there")
          .build();

  /** The most records one request carries. */
  public static final Setting<Integer> BATCH =
      Setting.positiveInt("api.batch")
          .defaultValue(2_000)
          .description("the most records one request to the server carries")
          .build();

  /** For {@link java.util.ServiceLoader}. */
  public ClientSettings() {}

  @Override
  public List<Setting<?>> settings() {
    return List.of(URL, TOKEN, TIMEOUT, QUEUE, JOURNAL_DIR, BATCH);
  }

  /**
   * The journal directory the settings name: {@link #JOURNAL_DIR}, else {@code
   * $SLUICE_HOME/journal}.
   */
  static Path journalDir(Settings settings) {
    return settings.find(JOURNAL_DIR).orElseGet(() -> settings.home().resolve("journal"));
  }
}
