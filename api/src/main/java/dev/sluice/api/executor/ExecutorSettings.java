package dev.sluice.api.executor;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Settings for creating an executor, e.g. {@code parallelism}, taken from the {@code
 * sluice.executor.*} configuration keys (without that prefix).
 *
 * @param values the settings by key
 */
public record ExecutorSettings(Map<String, String> values) {
  /** No settings: every executor uses its defaults. */
  public static final ExecutorSettings DEFAULTS = new ExecutorSettings(Map.of());

  public ExecutorSettings {
    values = Map.copyOf(values);
  }

  /** The setting with this key. */
  public Optional<String> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /**
   * The setting with this key as a positive int, or {@code fallback} when unset.
   *
   * @throws IllegalArgumentException naming the key when the value is not a positive integer
   */
  public int positiveInt(String key, int fallback) {
    String value = values.get(key);
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed > 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw new IllegalArgumentException(
        "executor setting '" + key + "' must be a positive integer, was '" + value + "'");
  }

  /**
   * The setting with this key as {@code true} or {@code false} (any case), or {@code fallback} when
   * unset.
   *
   * @throws IllegalArgumentException naming the key when the value is neither
   */
  public boolean bool(String key, boolean fallback) {
    String value = values.get(key);
    if (value == null) {
      return fallback;
    }
    String text = value.strip().toLowerCase(Locale.ROOT);
    if (!text.equals("true") && !text.equals("false")) {
      throw new IllegalArgumentException(
          "executor setting '" + key + "' must be 'true' or 'false', was '" + text + "'");
    }
    return text.equals("true");
  }
}
