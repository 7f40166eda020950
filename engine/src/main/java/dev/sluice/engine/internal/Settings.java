package dev.sluice.engine.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Sluice's configuration, resolved with the precedence of DESIGN.md: values set in code, then
 * system properties {@code sluice.KEY}, then environment variables {@code SLUICE_KEY} (dots and
 * dashes become underscores, upper case), then {@code $SLUICE_HOME/config.properties}, then
 * defaults. Keys are written without the {@code sluice.} prefix, e.g. {@code executor}.
 */
public final class Settings {
  private static final String FILE_NAME = "config.properties";
  private final Map<String, String> code;
  private final Map<String, String> systemProperties;
  private final Map<String, String> environment;
  private final Map<String, String> file;
  private final Path home;

  private Settings(
      Map<String, String> code,
      Map<String, String> systemProperties,
      Map<String, String> environment,
      Path home) {
    this.code = Map.copyOf(code);
    this.systemProperties = Map.copyOf(systemProperties);
    this.environment = Map.copyOf(environment);
    this.home = home;
    this.file = readFile(home.resolve(FILE_NAME));
  }

  /** Settings from this process's system properties, environment and config file. */
  public static Settings load(Map<String, String> code) {
    Map<String, String> props = new HashMap<>();
    System.getProperties().forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
    return load(code, props, System.getenv());
  }

  /** Settings from the given sources; for tests and tools. */
  public static Settings load(
      Map<String, String> code, Map<String, String> systemProperties, Map<String, String> env) {
    return new Settings(code, systemProperties, env, home(code, systemProperties, env));
  }

  private static Path home(
      Map<String, String> code, Map<String, String> props, Map<String, String> env) {
    String home = code.get("home");
    if (home == null) {
      home = props.get("sluice.home");
    }
    if (home == null) {
      home = env.get("SLUICE_HOME");
    }
    if (home == null || home.isBlank()) {
      return Path.of(props.getOrDefault("user.home", System.getProperty("user.home")), ".sluice");
    }
    return Path.of(home);
  }

  private static Map<String, String> readFile(Path path) {
    if (!Files.isRegularFile(path)) {
      return Map.of();
    }
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read Sluice settings from " + path + "; fix or delete the file", e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Sluice settings file "
              + path
              + " is malformed ("
              + e.getMessage()
              + "); fix it, or remove it and set values again with `sluice config set`",
          e);
    }
    Map<String, String> values = new HashMap<>();
    properties.forEach((k, v) -> values.put(strip(String.valueOf(k)), String.valueOf(v)));
    return values;
  }

  private static String strip(String key) {
    return key.startsWith("sluice.") ? key.substring("sluice.".length()) : key;
  }

  /**
   * The environment variable name of a key: {@code executor.parallelism} → {@code
   * SLUICE_EXECUTOR_PARALLELISM}.
   */
  public static String environmentName(String key) {
    return "SLUICE_" + key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }

  /** Where a setting's value comes from, in precedence order. */
  public enum Source {
    /** Set in code, e.g. {@code Sluice.builder().setting(key, value)}. */
    CODE,
    /** The system property {@code sluice.KEY}. */
    SYSTEM_PROPERTY,
    /** The environment variable {@code SLUICE_KEY}. */
    ENVIRONMENT,
    /** {@code $SLUICE_HOME/config.properties}. */
    FILE
  }

  /** The value of {@code key}, from the first source that sets it. */
  public Optional<String> get(String key) {
    Source source = source(key).orElse(null);
    return source == null
        ? Optional.empty()
        : Optional.of(Objects.requireNonNull(raw(source, key), "source(key) found it set").strip());
  }

  /**
   * The source {@link #get} takes {@code key}'s value from; empty when no source sets it (a blank
   * value counts as unset), so the default applies.
   */
  public Optional<Source> source(String key) {
    for (Source source : Source.values()) {
      String value = raw(source, key);
      if (value != null && !value.isBlank()) {
        return Optional.of(source);
      }
    }
    return Optional.empty();
  }

  private @Nullable String raw(Source source, String key) {
    return switch (source) {
      case CODE -> code.get(key);
      case SYSTEM_PROPERTY -> systemProperties.get("sluice." + key);
      case ENVIRONMENT -> environment.get(environmentName(key));
      case FILE -> file.get(key);
    };
  }

  /** Every key under {@code prefix.}, without the prefix, resolved with the usual precedence. */
  public Map<String, String> withPrefix(String prefix) {
    String dotted = prefix + ".";
    String envPrefix = environmentName(prefix) + "_";
    Map<String, String> keys = new TreeMap<>();
    file.keySet().stream().filter(k -> k.startsWith(dotted)).forEach(k -> keys.put(k, k));
    environment.keySet().stream()
        .filter(k -> k.startsWith(envPrefix))
        .forEach(
            k -> {
              String key = dotted + k.substring(envPrefix.length()).toLowerCase(Locale.ROOT);
              keys.put(key, key);
            });
    systemProperties.keySet().stream()
        .filter(k -> k.startsWith("sluice." + dotted))
        .forEach(k -> keys.put(strip(k), strip(k)));
    code.keySet().stream().filter(k -> k.startsWith(dotted)).forEach(k -> keys.put(k, k));
    Map<String, String> values = new TreeMap<>();
    for (String key : keys.keySet()) {
      get(key).ifPresent(v -> values.put(key.substring(dotted.length()), v));
    }
    return values;
  }

  /** {@code $SLUICE_HOME}, {@code ~/.sluice} when unset. */
  public Path home() {
    return home;
  }

  /** The settings file, {@code $SLUICE_HOME/config.properties}; it need not exist. */
  public Path file() {
    return home.resolve(FILE_NAME);
  }
}
