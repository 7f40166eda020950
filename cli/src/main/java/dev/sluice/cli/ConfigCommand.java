package dev.sluice.cli;

import dev.sluice.api.settings.Setting;
import dev.sluice.api.settings.Settings;
import dev.sluice.api.settings.SettingsCatalog;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice config view|set|unset}. */
@Command(
    name = "config",
    description = {
      "View and edit Sluice's settings.",
      "A setting's value comes from, in order: code, the system property sluice.KEY, the"
          + " environment variable SLUICE_KEY (dots, dashes and camelCase as _, e.g."
          + " SLUICE_STORE_CAPTURE_LOGS), $SLUICE_HOME/config.properties (written here),"
          + " the default."
    },
    mixinStandardHelpOptions = true,
    subcommands = {ConfigCommand.View.class, ConfigCommand.Set.class, ConfigCommand.Unset.class})
final class ConfigCommand {

  /**
   * The settings the modules on this command's class path declare: what {@code config} lists,
   * completes and checks.
   */
  static List<Setting<?>> catalog() {
    return SettingsCatalog.discover(ConfigCommand.class.getClassLoader());
  }

  static String knownSettingsHelp() {
    StringBuilder help = new StringBuilder("%nSettings (without the sluice. prefix):%n");
    for (Setting<?> s : catalog()) {
      help.append("  ")
          .append(s.key())
          .append("  (default: ")
          .append(s.defaultText())
          .append("; ")
          .append(s.environmentName())
          .append(")%n");
      help.append("      ").append(s.description()).append("%n");
    }
    return help.toString();
  }

  /** The known setting names for shell completion ({@code concurrency.} for the pattern). */
  static final class KeyNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return catalog().stream().map(Setting::prefix).iterator();
    }
  }

  /** One row of {@code config view}; also its JSON form. */
  record Effective(
      String name,
      String value,
      String source,
      @Nullable String origin,
      String defaultValue,
      String description) {}

  @Command(
      name = "view",
      description = "Show each setting's effective value and where it comes from.",
      mixinStandardHelpOptions = true)
  static final class View implements Callable<Integer> {
    private final Context context;
    @Spec CommandSpec spec;

    @Parameters(
        arity = "0..*",
        paramLabel = "KEY",
        completionCandidates = KeyNames.class,
        description = "Only these settings.")
    List<String> keys = new ArrayList<>();

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    View(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      Settings settings = context.settings();
      for (String key : keys) {
        requireKnown(settings, key);
      }
      List<Effective> rows = new ArrayList<>();
      for (Setting<?> setting : settings.catalog()) {
        for (String key : concreteKeys(setting, settings)) {
          if (keys.isEmpty() || keys.contains(key) || keys.contains(setting.key())) {
            rows.add(effective(setting, key, settings));
          }
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(dev.sluice.wire.Json.outputWriter().writeValueAsString(rows));
        out.flush();
      } else {
        Table table = new Table("SETTING", "VALUE", "SOURCE");
        rows.forEach(
            r ->
                table.row(
                    r.name(),
                    r.value(),
                    r.origin() == null ? r.source() : r.source() + " " + r.origin()));
        table.print(out);
      }
      warnAboutUnknownFileKeys(settings, spec.commandLine().getErr());
      return 0;
    }

    private static List<String> concreteKeys(Setting<?> setting, Settings settings) {
      if (!setting.isPattern()) {
        return List.of(setting.key());
      }
      List<String> keys = List.copyOf(settings.keys(setting));
      return keys.isEmpty() ? List.of(setting.key()) : keys;
    }

    private static Effective effective(Setting<?> setting, String key, Settings settings) {
      Optional<Settings.Source> source = settings.source(key);
      // home is resolved before the file is read (Settings.home()), so show that path.
      String value =
          setting.key().equals(Settings.HOME)
              ? settings.home().toString()
              : settings
                  .raw(key)
                  .map(v -> setting.isSecret() ? "***" : v)
                  .orElse(setting.defaultText());
      return new Effective(
          key,
          value,
          source.map(ConfigCommand::sourceName).orElse("default"),
          source.map(s -> origin(s, key, settings)).orElse(null),
          setting.defaultText(),
          setting.description());
    }
  }

  @Command(
      name = "set",
      description = "Write a setting into $SLUICE_HOME/config.properties.",
      mixinStandardHelpOptions = true)
  static final class Set implements Callable<Integer> {
    private final Context context;
    @Spec CommandSpec spec;

    @Parameters(
        index = "0",
        paramLabel = "KEY",
        completionCandidates = KeyNames.class,
        description = "The setting, e.g. executor.")
    String key;

    @Parameters(index = "1", paramLabel = "VALUE", description = "Its value, e.g. local.")
    String value;

    Set(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      Settings before = context.settings();
      Setting<?> setting = requireKnown(before, key);
      if (!setting.fileAllowed()) {
        throw new CliException(
            "'"
                + key
                + "' cannot be set in config.properties: it says where that file lives. Set the"
                + " environment variable "
                + Setting.environmentName(key)
                + " or the system property sluice."
                + key
                + " instead");
      }
      if (value.isBlank()) {
        throw new CliException(
            "'" + value + "' is not a valid value for " + key + ": it must not be blank");
      }
      try {
        setting.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CliException(
            "'" + value + "' is not a valid value for " + key + ": " + e.getMessage(), e);
      }
      ConfigFile file = ConfigFile.read(before.file());
      file.put(key, value.strip());
      file.write();
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "Set " + key + "=" + (setting.isSecret() ? "***" : value.strip()) + " in " + file.path());
      noteOverride(context.settings(), key, spec.commandLine().getErr());
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "unset",
      description = "Remove a setting from $SLUICE_HOME/config.properties.",
      mixinStandardHelpOptions = true)
  static final class Unset implements Callable<Integer> {
    private final Context context;
    @Spec CommandSpec spec;

    @Parameters(
        index = "0",
        paramLabel = "KEY",
        completionCandidates = KeyNames.class,
        description = "The setting, e.g. executor.")
    String key;

    Unset(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      Settings settings = context.settings();
      ConfigFile file = ConfigFile.read(settings.file());
      // A key the file holds can always be removed, known or not: that is how stray keys go.
      if (!file.entries().containsKey(key)) {
        requireKnown(settings, key);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (file.remove(key) == null) {
        out.println(key + " was not set in " + file.path() + "; nothing to do");
      } else {
        file.write();
        out.println("Removed " + key + " from " + file.path());
        noteOverride(context.settings(), key, spec.commandLine().getErr());
      }
      out.flush();
      return 0;
    }
  }

  static Setting<?> requireKnown(Settings settings, String key) {
    return settings
        .declared(key)
        .orElseThrow(
            () ->
                new CliException(
                    "unknown setting '"
                        + key
                        + "'"
                        + settings
                            .closest(key)
                            .map(s -> " (did you mean " + s.key() + "?)")
                            .orElse("")
                        + "; known settings: "
                        + String.join(", ", settings.catalog().stream().map(Setting::key).toList())
                        + " (see `sluice config set --help`)"));
  }

  /** Says so when a source above the file decides the value, so a set does not look ignored. */
  private static void noteOverride(Settings settings, String key, PrintWriter err) {
    settings
        .source(key)
        .filter(s -> s != Settings.Source.FILE)
        .ifPresent(
            s -> {
              err.println(
                  "note: "
                      + sourceName(s)
                      + " "
                      + origin(s, key, settings)
                      + " is set and takes precedence over the file"
                      + settings
                          .raw(key)
                          .filter(v -> settings.declared(key).map(k -> !k.isSecret()).orElse(true))
                          .map(v -> " (value " + v + ")")
                          .orElse(""));
              err.flush();
            });
  }

  private static void warnAboutUnknownFileKeys(Settings settings, PrintWriter err) {
    LinkedHashSet<String> unknown = new LinkedHashSet<>();
    for (Map.Entry<String, String> e : ConfigFile.read(settings.file()).entries().entrySet()) {
      if (settings.declared(e.getKey()).filter(Setting::fileAllowed).isEmpty()) {
        unknown.add(e.getKey());
      }
    }
    for (String key : unknown) {
      err.println(
          "warning: "
              + settings.file()
              + " sets '"
              + key
              + "', which is not a setting Sluice knows; remove it with `sluice config unset "
              + key
              + "`");
    }
    err.flush();
  }

  static String sourceName(Settings.Source source) {
    return switch (source) {
      case CODE -> "code";
      case SYSTEM_PROPERTY -> "system property";
      case ENVIRONMENT -> "environment";
      case FILE -> "file";
    };
  }

  static String origin(Settings.Source source, String key, Settings settings) {
    return switch (source) {
      case CODE -> "Sluice.builder().setting(\"" + key + "\", ...)";
      case SYSTEM_PROPERTY -> "sluice." + key;
      case ENVIRONMENT -> Setting.environmentName(key);
      case FILE -> settings.file().toString();
    };
  }
}
