package dev.sluice.api.executor;

import dev.sluice.api.settings.Setting;
import dev.sluice.api.settings.Settings;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings an executor is created with. Executors declare their settings (keys under {@code
 * executor.}, e.g. {@code executor.parallelism}) as {@link Setting}s in their module's {@link
 * dev.sluice.api.settings.SettingsCatalog} and read them typed, parsed by the declaration:
 *
 * {@snippet :
 * int parallelism = settings.find(ThreadPoolSettings.PARALLELISM).orElse(processors);
 * }
 *
 * @param settings the resolved settings: code, system properties, environment, config file
 */
public record ExecutorSettings(Settings settings) {
  /** No settings: every executor uses its defaults. */
  public static final ExecutorSettings DEFAULTS = new ExecutorSettings(Map.of());

  public ExecutorSettings {
    Objects.requireNonNull(settings, "settings");
  }

  /**
   * Settings given in code only (no system property, environment or file), by key without the
   * {@code executor.} prefix, e.g. {@code Map.of("parallelism", "4")}; for executors made directly.
   */
  public ExecutorSettings(Map<String, String> values) {
    this(Settings.of(prefixed(values)));
  }

  private static Map<String, String> prefixed(Map<String, String> values) {
    Map<String, String> keys = new HashMap<>();
    values.forEach((k, v) -> keys.put("executor." + k, v));
    return keys;
  }

  /** The value of {@code setting}, or its default; see {@link Settings#get}. */
  public <T> T get(Setting<T> setting) {
    return settings.get(setting);
  }

  /** The value of {@code setting} when a source sets it; see {@link Settings#find}. */
  public <T> Optional<T> find(Setting<T> setting) {
    return settings.find(setting);
  }

  /** Every value of a pattern setting by its free part; see {@link Settings#all}. */
  public <T> Map<String, T> all(Setting<T> pattern) {
    return settings.all(pattern);
  }
}
