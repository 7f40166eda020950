package dev.sluice.cli;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The settings of DESIGN.md that {@code sluice config} knows: their names, defaults, what they do,
 * and which values they take. Names are written without the {@code sluice.} prefix.
 */
final class KnownSettings {

  /**
   * One setting.
   *
   * @param name the key, or a pattern such as {@code concurrency.<tag>}
   * @param defaultValue what applies when nothing sets it, as people read it
   * @param check returns an error message for a bad value, null for a good one
   * @param fileAllowed false for {@code home}, which says where the file itself lives
   */
  record Setting(
      String name,
      String defaultValue,
      String description,
      Function<String, @Nullable String> check,
      boolean fileAllowed) {

    /** Whether {@code config view} masks the value. */
    boolean isSecret() {
      return name.endsWith("password");
    }

    boolean isPattern() {
      return name.endsWith(".<tag>");
    }

    String prefix() {
      return name.substring(0, name.length() - "<tag>".length());
    }

    boolean matches(String key) {
      return isPattern()
          ? key.startsWith(prefix()) && TAG.matcher(key.substring(prefix().length())).matches()
          : key.equals(name);
    }
  }

  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_-]+");

  static final List<Setting> ALL =
      List.of(
          new Setting(
              "home",
              "~/.sluice",
              "where run history (sluice.db), the cache and config.properties live",
              any(),
              false),
          new Setting(
              "store",
              "$SLUICE_HOME/sluice.db",
              "where run history is recorded and read: an SQLite file path, a jdbc:postgresql:"
                  + " URL, or off",
              any(),
              true),
          new Setting("store.user", "none", "PostgreSQL store: the user name", any(), true),
          new Setting(
              "store.password",
              "none",
              "PostgreSQL store: the password (shown masked)",
              any(),
              true),
          new Setting(
              "store.busy-timeout-ms",
              "30000",
              "SQLite store: how long a writer waits for another process's lock, in ms",
              positiveInt(),
              true),
          new Setting(
              "store.connect-timeout-s",
              "5",
              "PostgreSQL store: how long to wait for the server, in seconds",
              positiveInt(),
              true),
          new Setting(
              "store.capture-logs",
              "true",
              "record the log lines of runs (false: record runs without their logs)",
              oneOf("true", "false"),
              true),
          new Setting(
              "executor",
              "threadpool when present, else local",
              "the executor attempts run on: local, threadpool, or another provider's name",
              any(),
              true),
          new Setting(
              "executor.threads",
              "platform",
              "threadpool executor: platform threads or virtual threads",
              oneOf("platform", "virtual"),
              true),
          new Setting(
              "executor.parallelism",
              "number of processors (" + Runtime.getRuntime().availableProcessors() + ")",
              "threadpool executor: how many attempts run at once",
              positiveInt(),
              true),
          new Setting(
              "executor.shared",
              "false",
              "threadpool executor: share one pool between Sluice instances of this process",
              oneOf("true", "false"),
              true),
          new Setting(
              "concurrency.<tag>",
              "unlimited",
              "at most N attempts of tasks with this tag run at once",
              positiveInt(),
              true),
          new Setting(
              "executor.workers",
              "number of processors",
              "subprocess executor: the most worker JVMs (and attempts running) at once",
              positiveInt(),
              true),
          new Setting(
              "executor.jvmOptions",
              "none",
              "subprocess executor: options for each worker JVM, space-separated (e.g. -Xmx256m)",
              any(),
              true),
          new Setting(
              "executor.classpath",
              "this JVM's class path",
              "subprocess executor: the workers' class path",
              any(),
              true),
          new Setting(
              "executor.java",
              "this JVM's java",
              "subprocess executor: the java binary workers run with",
              any(),
              true),
          new Setting(
              "executor.freshJvm",
              "false",
              "subprocess executor: true starts a new JVM for every attempt",
              oneOf("true", "false"),
              true),
          new Setting(
              "executor.startTimeoutSeconds",
              "30",
              "subprocess executor: how long a worker may take to start and connect, in seconds",
              positiveInt(),
              true),
          new Setting(
              "cache.dir",
              "$SLUICE_HOME/cache",
              "where the disk tier of the task cache keeps its entries",
              any(),
              true),
          new Setting(
              "cache.disk",
              "true",
              "whether cached results are also kept on disk (false: memory only)",
              oneOf("true", "false"),
              true),
          new Setting(
              "cache.memory-weight",
              "64MB",
              "how many bytes of results the memory tier of the cache holds (e.g. 256MB, 1GB)",
              any(),
              true),
          new Setting(
              "cache.strict",
              "false",
              "whether a cached task whose input cannot be encoded fails instead of running uncached",
              oneOf("true", "false"),
              true),
          new Setting(
              "concurrency-grace",
              "PT5S",
              "how long a timed-out or cancelled attempt that ignores its interrupt keeps its"
                  + " concurrency slots",
              duration(),
              true));

  private KnownSettings() {}

  /** The setting {@code key} names, or empty for an unknown key. */
  static Optional<Setting> find(String key) {
    return ALL.stream().filter(s -> s.matches(key)).findFirst();
  }

  /** The known names, for error messages. */
  static String names() {
    return String.join(", ", ALL.stream().map(Setting::name).toList());
  }

  private static Function<String, @Nullable String> any() {
    return value -> null;
  }

  private static Function<String, @Nullable String> oneOf(String... allowed) {
    return value ->
        List.of(allowed).contains(value.strip().toLowerCase(Locale.ROOT))
            ? null
            : "must be one of " + String.join(", ", allowed);
  }

  private static Function<String, @Nullable String> positiveInt() {
    return value -> {
      try {
        return Integer.parseInt(value.strip()) >= 1 ? null : "must be a whole number >= 1";
      } catch (NumberFormatException e) {
        return "must be a whole number >= 1";
      }
    };
  }

  private static Function<String, @Nullable String> duration() {
    return value -> {
      String v = value.strip();
      try {
        if (v.startsWith("P") || v.startsWith("p")) {
          Duration.parse(v);
        } else {
          Long.parseLong(v);
        }
        return null;
      } catch (RuntimeException e) {
        return "must be a duration such as PT5S, or a number of milliseconds";
      }
    };
  }
}
