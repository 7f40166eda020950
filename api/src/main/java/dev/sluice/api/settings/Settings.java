package dev.sluice.api.settings;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Sluice's settings, resolved with the precedence of DESIGN.md: values set in code, then system
 * properties {@code sluice.KEY}, then environment variables ({@link Setting#environmentName}), then
 * {@code $SLUICE_HOME/config.properties}, then the declared default. A blank value counts as unset.
 * Values are parsed by their {@link Setting}'s parser; a bad value fails with a message naming the
 * key, the source it came from and what is expected.
 *
 * <p>Keys that no {@link SettingsCatalog} on the class path declares — a {@code SLUICE_*}
 * environment variable, a {@code sluice.*} system property, a file or code key — are ignored, with
 * one warning each per process that names the closest declared key.
 *
 * <p>A pattern setting such as {@code concurrency.<tag>} is read with {@link #all(Setting)}. From
 * the environment, the free part is the rest of the variable's name in lower case: {@code
 * SLUICE_CONCURRENCY_GPU} sets {@code concurrency.gpu}; a tag or step whose name has capitals,
 * dashes, dots or spaces is set with a system property or in the file instead. A variable that is
 * the name of a plain setting is that setting ({@code SLUICE_CONCURRENCY_GRACE} is {@code
 * concurrency-grace}, never the tag {@code grace}).
 */
public final class Settings {
  private static final System.Logger log = System.getLogger(Settings.class.getName());
  private static final Set<String> warned = ConcurrentHashMap.newKeySet();
  private static final String FILE_NAME = "config.properties";
  private static final String PROPERTY_PREFIX = "sluice.";
  private static final String ENVIRONMENT_PREFIX = "SLUICE_";

  /** The key of Sluice's home directory, which holds the config file, the store and the cache. */
  public static final String HOME = "home";

  private final Map<String, String> code;
  private final Map<String, String> systemProperties;
  private final Map<String, String> environment;
  private final Map<String, String> file;
  private final Path home;
  private final List<Setting<?>> catalog;
  private final List<String> warnings;

  private Settings(
      Map<String, String> code,
      Map<String, String> systemProperties,
      Map<String, String> environment,
      boolean readFile,
      List<Setting<?>> catalog) {
    this.code = Map.copyOf(code);
    this.systemProperties = Map.copyOf(systemProperties);
    this.environment = Map.copyOf(environment);
    this.home = home(code, systemProperties, environment);
    this.file = readFile ? readFile(home.resolve(FILE_NAME)) : Map.of();
    this.catalog = List.copyOf(catalog);
    this.warnings = catalog.isEmpty() ? List.of() : unknownKeys();
  }

  /**
   * Settings from {@code code} and this process's system properties, environment and config file,
   * knowing the settings of the catalogs on the context class loader. Unknown keys are logged, once
   * per process each.
   */
  public static Settings load(Map<String, String> code) {
    Map<String, String> props = new HashMap<>();
    System.getProperties().forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
    Settings settings = load(code, props, System.getenv());
    settings.warnings.forEach(Settings::warnOnce);
    return settings;
  }

  /**
   * Settings from the given sources and the config file of the home they name, knowing the settings
   * of the catalogs on the context class loader; for tools and tests. Unknown keys are not logged:
   * {@link #warnings()} lists them.
   */
  public static Settings load(
      Map<String, String> code, Map<String, String> systemProperties, Map<String, String> env) {
    return load(
        code,
        systemProperties,
        env,
        SettingsCatalog.discover(Thread.currentThread().getContextClassLoader()));
  }

  /** Like {@link #load(Map, Map, Map)}, knowing only the settings of {@code catalog}. */
  static Settings load(
      Map<String, String> code,
      Map<String, String> systemProperties,
      Map<String, String> env,
      List<Setting<?>> catalog) {
    return new Settings(code, systemProperties, env, true, catalog);
  }

  /**
   * Settings from code only — no system property, environment variable or file — for components
   * made directly, e.g. an executor or store in a test.
   */
  public static Settings of(Map<String, String> code) {
    return new Settings(code, Map.of(), Map.of(), false, List.of());
  }

  /** Logs {@code message} unless this process logged it before; returns whether it did. */
  static boolean warnOnce(String message) {
    if (!warned.add(message)) {
      return false;
    }
    log.log(System.Logger.Level.WARNING, message);
    return true;
  }

  private static Path home(
      Map<String, String> code, Map<String, String> props, Map<String, String> env) {
    String home = code.get(HOME);
    if (home == null || home.isBlank()) {
      home = props.get(PROPERTY_PREFIX + HOME);
    }
    if (home == null || home.isBlank()) {
      home = env.get(Setting.environmentName(HOME));
    }
    if (home == null || home.isBlank()) {
      return Path.of(props.getOrDefault("user.home", System.getProperty("user.home")), ".sluice");
    }
    return Path.of(home.strip());
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
    properties.forEach((k, v) -> values.put(stripPrefix(String.valueOf(k)), String.valueOf(v)));
    return values;
  }

  private static String stripPrefix(String key) {
    return key.startsWith(PROPERTY_PREFIX) ? key.substring(PROPERTY_PREFIX.length()) : key;
  }

  /** Where a setting's value comes from, in precedence order. */
  public enum Source {
    /** Set in code, e.g. {@code Sluice.builder().setting(key, value)}. */
    CODE,
    /** The system property {@code sluice.KEY}. */
    SYSTEM_PROPERTY,
    /** The environment variable {@link Setting#environmentName(String)}. */
    ENVIRONMENT,
    /** {@code $SLUICE_HOME/config.properties}. */
    FILE
  }

  /**
   * The value of {@code setting}, or its default.
   *
   * @throws IllegalArgumentException when the value is bad (naming the key, its source and what is
   *     expected), or {@code setting} is a pattern (read those with {@link #all})
   * @throws IllegalStateException when no source sets it and it has no default (use {@link #find})
   */
  public <T> T get(Setting<T> setting) {
    return find(setting)
        .or(setting::defaultValue)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "the setting '"
                        + setting.key()
                        + "' has no default; read it with Settings.find and supply one"));
  }

  /**
   * The value of {@code setting} when a source sets it; empty when the default applies.
   *
   * @throws IllegalArgumentException when the value is bad, naming the key, its source and what is
   *     expected, or when {@code setting} is a pattern
   */
  public <T> Optional<T> find(Setting<T> setting) {
    if (setting.isPattern()) {
      throw new IllegalArgumentException(
          "'" + setting.key() + "' is a pattern; read its values with Settings.all");
    }
    return find(setting, setting.key());
  }

  private <T> Optional<T> find(Setting<T> setting, String key) {
    Optional<Source> source = source(key);
    if (source.isEmpty()) {
      return Optional.empty();
    }
    String text = raw(source.get(), key);
    try {
      return Optional.of(setting.parse(text == null ? "" : text));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "bad value for the setting "
              + key
              + " in "
              + describe(source.get(), key)
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Every value of a pattern setting, by free part: {@code concurrency.gpu=2} and {@code
   * SLUICE_CONCURRENCY_DB=1} give {@code {gpu=2, db=1}}. Each key's value comes from its first
   * source, as with {@link #get}.
   *
   * @throws IllegalArgumentException when a value is bad, naming the key, its source and what is
   *     expected
   */
  public <T> Map<String, T> all(Setting<T> pattern) {
    Map<String, T> values = new TreeMap<>();
    String prefix = pattern.prefix();
    for (String key : keys(pattern)) {
      find(pattern, key).ifPresent(v -> values.put(key.substring(prefix.length()), v));
    }
    return values;
  }

  /**
   * The concrete keys some source sets for {@code setting}: for a pattern, every key with its
   * prefix ({@code concurrency.gpu}, ...); for a plain setting, its key when a source sets it.
   */
  public Set<String> keys(Setting<?> setting) {
    Set<String> keys = new TreeSet<>();
    if (!setting.isPattern()) {
      if (source(setting.key()).isPresent()) {
        keys.add(setting.key());
      }
      return keys;
    }
    code.keySet().stream().filter(setting::matches).forEach(keys::add);
    systemProperties.keySet().stream()
        .filter(k -> k.startsWith(PROPERTY_PREFIX))
        .map(Settings::stripPrefix)
        .filter(setting::matches)
        .forEach(keys::add);
    String variablePrefix = setting.environmentPrefix();
    for (String name : environment.keySet()) {
      if (name.length() > variablePrefix.length()
          && name.startsWith(variablePrefix)
          && plainSettingOf(name).isEmpty()) {
        keys.add(
            setting.prefix() + name.substring(variablePrefix.length()).toLowerCase(Locale.ROOT));
      }
    }
    file.keySet().stream().filter(setting::matches).forEach(keys::add);
    keys.removeIf(k -> source(k).isEmpty());
    return keys;
  }

  private Optional<Setting<?>> plainSettingOf(String variable) {
    return catalog.stream()
        .filter(s -> !s.isPattern() && s.environmentName().equals(variable))
        .findFirst();
  }

  /**
   * The text of {@code key} (stripped), from the first source that sets it; for tools such as
   * {@code sluice config view} that show values without parsing them.
   */
  public Optional<String> raw(String key) {
    return source(key).map(s -> String.valueOf(raw(s, key)).strip());
  }

  /**
   * The source {@link #get} takes {@code key}'s value from; empty when no source sets it (a blank
   * value counts as unset), so the default applies. The file is no source of a setting it may not
   * set ({@code home}).
   */
  public Optional<Source> source(String key) {
    for (Source source : Source.values()) {
      if (source == Source.FILE && declared(key).map(s -> !s.fileAllowed()).orElse(false)) {
        continue;
      }
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
      case SYSTEM_PROPERTY -> systemProperties.get(PROPERTY_PREFIX + key);
      case ENVIRONMENT -> environment.get(Setting.environmentName(key));
      case FILE -> file.get(key);
    };
  }

  /**
   * Where {@code key}'s value comes from when {@code source} sets it, for messages: {@code
   * "environment variable SLUICE_STORE_BUSY_TIMEOUT_MS"}, {@code "system property sluice.store"},
   * {@code "code (setting store)"}, {@code "/home/me/.sluice/config.properties"}.
   */
  public String describe(Source source, String key) {
    return switch (source) {
      case CODE -> "code (setting " + key + ")";
      case SYSTEM_PROPERTY -> "system property " + PROPERTY_PREFIX + key;
      case ENVIRONMENT -> "environment variable " + Setting.environmentName(key);
      case FILE -> file().toString();
    };
  }

  /** The declared setting of {@code key}: the plain one of that key, else a pattern matching it. */
  public Optional<Setting<?>> declared(String key) {
    Optional<Setting<?>> plain =
        catalog.stream().filter(s -> !s.isPattern() && s.key().equals(key)).findFirst();
    return plain.isPresent() ? plain : catalog.stream().filter(s -> s.matches(key)).findFirst();
  }

  /** The settings these settings know, sorted by key. */
  public List<Setting<?>> catalog() {
    return catalog;
  }

  /**
   * One message for each key some source sets that no known setting declares (and for {@code home}
   * in the file); {@link #load(Map)} logs them.
   */
  public List<String> warnings() {
    return warnings;
  }

  private List<String> unknownKeys() {
    List<String> problems = new ArrayList<>();
    new TreeSet<>(code.keySet())
        .stream()
            .filter(k -> declared(k).isEmpty())
            .forEach(k -> problems.add("code sets '" + k + "'" + unknown(closestKey(k))));
    new TreeSet<>(systemProperties.keySet())
        .stream()
            .filter(k -> k.startsWith(PROPERTY_PREFIX))
            .filter(k -> declared(stripPrefix(k)).isEmpty())
            .forEach(
                k ->
                    problems.add(
                        "system property "
                            + k
                            + unknown(closestKey(stripPrefix(k)).map(c -> PROPERTY_PREFIX + c))));
    new TreeSet<>(environment.keySet())
        .stream()
            .filter(k -> k.startsWith(ENVIRONMENT_PREFIX) && !knownVariable(k))
            .forEach(k -> problems.add("environment variable " + k + unknown(closestVariable(k))));
    for (String key : new TreeSet<>(file.keySet())) {
      Optional<Setting<?>> setting = declared(key);
      if (setting.isEmpty()) {
        problems.add(file() + " sets '" + key + "'" + unknown(closestKey(key)));
      } else if (!setting.get().fileAllowed()) {
        problems.add(
            file()
                + " sets '"
                + key
                + "', which the file cannot set (it says where the file lives), so it is ignored;"
                + " set the environment variable "
                + Setting.environmentName(key)
                + " or the system property "
                + PROPERTY_PREFIX
                + key
                + " instead");
      }
    }
    return List.copyOf(problems);
  }

  private static String unknown(Optional<String> closest) {
    return ", which is not a setting Sluice knows, so it is ignored"
        + closest.map(c -> "; did you mean " + c + "?").orElse("; `sluice config view` lists them");
  }

  private boolean knownVariable(String name) {
    for (Setting<?> setting : catalog) {
      if (setting.isPattern()
          ? name.length() > setting.environmentPrefix().length()
              && name.startsWith(setting.environmentPrefix())
          : name.equals(setting.environmentName())) {
        return true;
      }
    }
    return false;
  }

  private Optional<String> closestKey(String key) {
    return closest(key).map(Setting::key);
  }

  /**
   * The declared setting whose key is nearest {@code key}, for "did you mean" messages; empty when
   * none is near.
   */
  public Optional<Setting<?>> closest(String key) {
    return closest(key, s -> s.isPattern() ? s.prefix() : s.key());
  }

  private Optional<String> closestVariable(String name) {
    return closest(name, s -> s.isPattern() ? s.environmentPrefix() : s.environmentName())
        .map(s -> s.environmentName() + " (" + s.key() + ")");
  }

  /**
   * The declared setting whose form is nearest {@code text} by edit distance, comparing a pattern's
   * prefix with the start of {@code text}; none when even the nearest is far (a third of its
   * length).
   */
  private Optional<Setting<?>> closest(String text, Function<Setting<?>, String> form) {
    Setting<?> best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Setting<?> setting : catalog) {
      String candidate = form.apply(setting);
      String compared =
          setting.isPattern()
              ? text.substring(0, Math.min(text.length(), candidate.length()))
              : text;
      int distance = editDistance(compared, candidate);
      if (distance < bestDistance && distance <= Math.max(2, candidate.length() / 3)) {
        best = setting;
        bestDistance = distance;
      }
    }
    return Optional.ofNullable(best);
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  /** {@code $SLUICE_HOME}, {@code ~/.sluice} when unset; the file cannot set it. */
  public Path home() {
    return home;
  }

  /** The settings file, {@code $SLUICE_HOME/config.properties}; it need not exist. */
  public Path file() {
    return home.resolve(FILE_NAME);
  }
}
