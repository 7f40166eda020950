package dev.sluice.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * {@code $SLUICE_HOME/config.properties} as {@code sluice config set/unset} edits it: keys without
 * the {@code sluice.} prefix (a prefixed key is read as the same setting and replaced), sorted, and
 * written atomically so a reader never sees half a file.
 */
final class ConfigFile {
  private final Path path;
  private final Map<String, String> entries;

  private ConfigFile(Path path, Map<String, String> entries) {
    this.path = path;
    this.entries = entries;
  }

  static ConfigFile read(Path path) {
    Map<String, String> entries = new TreeMap<>();
    if (Files.isRegularFile(path)) {
      Properties properties = new Properties();
      try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
        properties.load(in);
      } catch (IOException | IllegalArgumentException e) {
        throw new CliException(
            "cannot read the settings file " + path + " (" + e.getMessage() + "); fix or delete it",
            e);
      }
      properties.forEach((k, v) -> entries.put(strip(String.valueOf(k)), String.valueOf(v)));
    }
    return new ConfigFile(path, entries);
  }

  private static String strip(String key) {
    return key.startsWith("sluice.") ? key.substring("sluice.".length()) : key;
  }

  Path path() {
    return path;
  }

  Map<String, String> entries() {
    return Map.copyOf(entries);
  }

  @Nullable String put(String key, String value) {
    return entries.put(key, value);
  }

  @Nullable String remove(String key) {
    return entries.remove(key);
  }

  void write() {
    Properties properties = new Properties();
    entries.forEach(properties::setProperty);
    StringWriter text = new StringWriter();
    try {
      properties.store(text, null);
    } catch (IOException e) {
      throw new AssertionError("a StringWriter does not fail", e);
    }
    StringBuilder out =
        new StringBuilder("# Sluice settings; edit with `sluice config set|unset`\n");
    // Properties writes a date line first and entries in hash order; drop the one, sort the other.
    text.toString()
        .lines()
        .filter(l -> !l.startsWith("#"))
        .sorted()
        .forEach(l -> out.append(l).append('\n'));
    try {
      Files.createDirectories(path.getParent());
      Path temp = Files.createTempFile(path.getParent(), "config", ".properties.tmp");
      try {
        Files.writeString(temp, out, StandardCharsets.UTF_8);
        try {
          Files.move(
              temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new CliException(
          "cannot write the settings file "
              + path
              + " ("
              + e
              + "); check that its directory is writable",
          e);
    }
  }
}
