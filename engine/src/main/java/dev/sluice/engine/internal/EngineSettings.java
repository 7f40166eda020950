package dev.sluice.engine.internal;

import com.google.auto.service.AutoService;
import dev.sluice.api.cache.CacheSettings;
import dev.sluice.api.settings.Setting;
import dev.sluice.api.settings.Settings;
import dev.sluice.api.settings.SettingsCatalog;
import dev.sluice.api.store.RunStores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The settings the engine reads: where Sluice lives, run history, the executor, concurrency limits,
 * the task cache.
 */
@AutoService(SettingsCatalog.class)
public final class EngineSettings implements SettingsCatalog {
  /** What the {@code store} setting's parser makes of {@code off}, {@code none}, ...: no store. */
  static final String STORE_OFF = "off";

  /** {@code $SLUICE_HOME}; the config file cannot set it, as it lives there. */
  public static final Setting<Path> HOME =
      Setting.path(Settings.HOME)
          .defaultText("~/.sluice")
          .description("where run history (sluice.db), the cache and config.properties live")
          .notInFile()
          .build();

  /** Where run history is recorded; {@link #storeLocation} says what it means. */
  public static final Setting<String> STORE =
      Setting.of(
              "store",
              "an SQLite file path, a jdbc:postgresql: URL, or off",
              EngineSettings::parseStore)
          .defaultText("$SLUICE_HOME/sluice.db")
          .example("/var/lib/sluice/runs.db")
          .description(
              "where run history is recorded and read: an SQLite file path, a jdbc:postgresql:"
                  + " URL, or off (also none, false, disabled)")
          .build();

  /** Whether the log lines of runs are recorded with them. */
  public static final Setting<Boolean> STORE_CAPTURE_LOGS =
      Setting.bool("store.capture-logs")
          .defaultValue(true)
          .description("record the log lines of runs (false: record runs without their logs)")
          .build();

  /** The executor, by its provider's name. */
  public static final Setting<String> EXECUTOR =
      Setting.of("executor", "an executor's name", s -> s.toLowerCase(Locale.ROOT))
          .defaultText("threadpool when present, else local")
          .example("local")
          .description(
              "the executor attempts run on: local, threadpool, subprocess, or another provider's"
                  + " name")
          .build();

  /** The concurrency limit of each tag. */
  public static final Setting<Integer> CONCURRENCY =
      Setting.positiveInt("concurrency.<tag>")
          .freePart("[A-Za-z0-9_-]+")
          .defaultText("unlimited")
          .description("at most N attempts of tasks with this tag run at once")
          .build();

  /** How long an attempt that ignores its interrupt keeps its concurrency slots. */
  public static final Setting<Duration> CONCURRENCY_GRACE =
      Setting.duration("concurrency-grace")
          .defaultValue(ConcurrencyLimits.DEFAULT_GRACE)
          .description(
              "how long a timed-out or cancelled attempt that ignores its interrupt keeps its"
                  + " concurrency slots")
          .build();

  /** The disk tier's directory. */
  public static final Setting<Path> CACHE_DIR =
      Setting.path("cache.dir")
          .defaultText("$SLUICE_HOME/cache")
          .description("where the disk tier of the task cache keeps its entries")
          .build();

  /** Whether the cache has a disk tier. */
  public static final Setting<Boolean> CACHE_DISK =
      Setting.bool("cache.disk")
          .defaultValue(true)
          .description("whether cached results are also kept on disk (false: memory only)")
          .build();

  /** The memory tier's weight. */
  public static final Setting<Long> CACHE_MEMORY_WEIGHT =
      Setting.bytes("cache.memory-weight")
          .defaultValue(CacheSettings.DEFAULT_MEMORY_WEIGHT)
          .defaultText("64MB")
          .description(
              "how many bytes of results the memory tier of the cache holds (e.g. 256MB, 1GB)")
          .build();

  /** Whether an input that cannot be encoded fails a cached task. */
  public static final Setting<Boolean> CACHE_STRICT =
      Setting.bool("cache.strict")
          .defaultValue(false)
          .description(
              "whether a cached task whose input cannot be encoded fails instead of running"
                  + " uncached")
          .build();

  /** For {@link java.util.ServiceLoader}. */
  public EngineSettings() {}

  @Override
  public List<Setting<?>> settings() {
    return List.of(
        HOME,
        STORE,
        STORE_CAPTURE_LOGS,
        EXECUTOR,
        CONCURRENCY,
        CONCURRENCY_GRACE,
        CACHE_DIR,
        CACHE_DISK,
        CACHE_MEMORY_WEIGHT,
        CACHE_STRICT);
  }

  private static String parseStore(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "off", "none", "false", "disabled" -> STORE_OFF;
      default -> value;
    };
  }

  /**
   * The key of the server's API URL, declared by {@code sluice-client}'s catalogue: when it is set,
   * runs are recorded through that server (the client's run store accepts {@code http(s):}
   * locations).
   */
  public static final String API_URL_KEY = "api.url";

  /**
   * Where runs are recorded: nowhere when the {@code store} setting is off; else through the server
   * at {@code api.url} when that is set (it wins over a {@code store} path: pointing a process at a
   * server is what it is for); else the {@code store} setting's path or {@code jdbc:} URL; unset,
   * SQLite at {@code $SLUICE_HOME/sluice.db}.
   */
  public static Optional<String> storeLocation(Settings settings) {
    if (settings.find(STORE).filter(STORE_OFF::equals).isPresent()) {
      return Optional.empty();
    }
    Optional<String> api = settings.raw(API_URL_KEY).map(String::strip).filter(u -> !u.isEmpty());
    if (api.isPresent()) {
      return api;
    }
    return localStoreLocation(settings);
  }

  /**
   * The database the {@code store} setting names, whatever {@code api.url} says: the one a server
   * on this machine serves. Unset, SQLite at {@code $SLUICE_HOME/sluice.db}; empty when off.
   */
  public static Optional<String> localStoreLocation(Settings settings) {
    String store =
        settings
            .find(STORE)
            .orElseGet(
                () -> settings.home().resolve(RunStores.DEFAULT_FILE).toAbsolutePath().toString());
    return store.equals(STORE_OFF) ? Optional.empty() : Optional.of(store);
  }
}
