package dev.sluice.cli;

import dev.sluice.cli.KnownSettings.Setting;
import dev.sluice.engine.internal.Settings;
import java.io.PrintWriter;
import java.nio.file.Path;
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
          + " environment variable SLUICE_KEY, $SLUICE_HOME/config.properties (written here),"
          + " the default."
    },
    mixinStandardHelpOptions = true,
    subcommands = {ConfigCommand.View.class, ConfigCommand.Set.class, ConfigCommand.Unset.class})
final class ConfigCommand {

  static String knownSettingsHelp() {
    StringBuilder help = new StringBuilder("%nSettings (without the sluice. prefix):%n");
    for (Setting s : KnownSettings.ALL) {
      help.append("  ")
          .append(s.name())
          .append("  (default: ")
          .append(s.defaultValue())
          .append(")%n");
      help.append("      ").append(s.description()).append("%n");
    }
    return help.toString();
  }

  /** The known setting names for shell completion ({@code concurrency.} for the pattern). */
  static final class KeyNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return KnownSettings.ALL.stream().map(s -> s.isPattern() ? s.prefix() : s.name()).iterator();
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
        requireKnown(key);
      }
      List<Effective> rows = new ArrayList<>();
      for (Setting setting : KnownSettings.ALL) {
        for (String key : concreteKeys(setting, settings)) {
          if (keys.isEmpty() || keys.contains(key) || keys.contains(setting.name())) {
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
      warnAboutUnknownFileKeys(settings.file(), spec.commandLine().getErr());
      return 0;
    }

    private static List<String> concreteKeys(Setting setting, Settings settings) {
      if (!setting.isPattern()) {
        return List.of(setting.name());
      }
      String prefix = setting.prefix();
      List<String> keys =
          settings.withPrefix(prefix.substring(0, prefix.length() - 1)).keySet().stream()
              .map(tag -> prefix + tag)
              .toList();
      return keys.isEmpty() ? List.of(setting.name()) : keys;
    }

    private static Effective effective(Setting setting, String key, Settings settings) {
      Optional<Settings.Source> source = settings.source(key);
      if (setting.name().equals("home")) {
        // The file cannot move the home it lives in; Settings.home() ignores it too.
        source = source.filter(s -> s != Settings.Source.FILE);
        String value = settings.home().toString();
        return new Effective(
            key,
            value,
            source.map(ConfigCommand::sourceName).orElse("default"),
            source.map(s -> origin(s, key, settings)).orElse(null),
            setting.defaultValue(),
            setting.description());
      }
      return new Effective(
          key,
          settings.get(key).map(v -> setting.isSecret() ? "***" : v).orElse(setting.defaultValue()),
          source.map(ConfigCommand::sourceName).orElse("default"),
          source.map(s -> origin(s, key, settings)).orElse(null),
          setting.defaultValue(),
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
      Setting setting = requireKnown(key);
      if (!setting.fileAllowed()) {
        throw new CliException(
            "'"
                + key
                + "' cannot be set in config.properties: it says where that file lives. Set the"
                + " environment variable "
                + Settings.environmentName(key)
                + " or the system property sluice."
                + key
                + " instead");
      }
      String problem = setting.check().apply(value);
      if (value.isBlank() || problem != null) {
        throw new CliException(
            "'"
                + value
                + "' is not a valid value for "
                + key
                + ": "
                + (problem == null ? "it must not be blank" : problem));
      }
      Settings before = context.settings();
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
        requireKnown(key);
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

  static Setting requireKnown(String key) {
    return KnownSettings.find(key)
        .orElseThrow(
            () ->
                new CliException(
                    "unknown setting '"
                        + key
                        + "'; known settings: "
                        + KnownSettings.names()
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
                          .get(key)
                          .filter(v -> KnownSettings.find(key).map(k -> !k.isSecret()).orElse(true))
                          .map(v -> " (value " + v + ")")
                          .orElse(""));
              err.flush();
            });
  }

  private static void warnAboutUnknownFileKeys(Path file, PrintWriter err) {
    LinkedHashSet<String> unknown = new LinkedHashSet<>();
    for (Map.Entry<String, String> e : ConfigFile.read(file).entries().entrySet()) {
      if (KnownSettings.find(e.getKey()).filter(Setting::fileAllowed).isEmpty()) {
        unknown.add(e.getKey());
      }
    }
    for (String key : unknown) {
      err.println(
          "warning: "
              + file
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
      case ENVIRONMENT -> Settings.environmentName(key);
      case FILE -> settings.file().toString();
    };
  }
}
