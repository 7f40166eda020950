package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.settings.Setting;
import dev.sluice.api.settings.Settings;
import dev.sluice.api.settings.SettingsCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every setting the modules on this class path declare, read from each of the four sources: a new
 * setting is covered as soon as its catalog lists it.
 */
class CatalogSourcesTest {
  private static final String TAG = "sample";

  @TempDir Path home;

  static Stream<Arguments> everySettingFromEverySource() {
    return SettingsCatalog.discover(CatalogSourcesTest.class.getClassLoader()).stream()
        .flatMap(
            s ->
                Stream.of(Settings.Source.values())
                    .map(source -> Arguments.of(s.key(), s, source)));
  }

  @ParameterizedTest(name = "{0} from {2}")
  @MethodSource
  void everySettingFromEverySource(String key, Setting<?> setting, Settings.Source source)
      throws IOException {
    String concrete = setting.isPattern() ? setting.prefix() + TAG : setting.key();
    Map<String, String> code = new HashMap<>();
    Map<String, String> properties = new HashMap<>();
    if (!setting.key().equals(Settings.HOME) || source == Settings.Source.FILE) {
      properties.put("sluice.home", home.toString());
    }
    Map<String, String> env = new HashMap<>();
    switch (source) {
      case CODE -> code.put(concrete, setting.example());
      case SYSTEM_PROPERTY -> properties.put("sluice." + concrete, setting.example());
      case ENVIRONMENT -> env.put(Setting.environmentName(concrete), setting.example());
      case FILE -> {
        Properties file = new Properties();
        file.setProperty(concrete, setting.example());
        try (var out =
            Files.newBufferedWriter(home.resolve("config.properties"), StandardCharsets.UTF_8)) {
          file.store(out, null);
        }
      }
    }

    Settings settings = Settings.load(code, properties, env);

    if (source == Settings.Source.FILE && !setting.fileAllowed()) {
      assertThat(settings.source(concrete)).isNotEqualTo(java.util.Optional.of(source));
      assertThat(settings.warnings()).anyMatch(w -> w.contains("'" + concrete + "'"));
      return;
    }
    Object expected = setting.parse(setting.example());
    Object actual =
        setting.isPattern() ? settings.all(setting).get(TAG) : settings.find(setting).orElse(null);
    if (!setting.key().equals(Settings.HOME)) {
      assertThat(settings.source(concrete)).hasValue(source);
    }
    assertThat(actual).isEqualTo(expected);
    assertThat(settings.warnings()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("settings")
  void everySettingHasItsOwnEnvironmentVariable(String key, Setting<?> setting) {
    List<Setting<?>> all = SettingsCatalog.discover(CatalogSourcesTest.class.getClassLoader());
    assertThat(all.stream().filter(s -> s.environmentName().equals(setting.environmentName())))
        .containsExactly(setting);
  }

  static Stream<Arguments> settings() {
    return SettingsCatalog.discover(CatalogSourcesTest.class.getClassLoader()).stream()
        .map(s -> Arguments.of(s.key(), s));
  }
}
