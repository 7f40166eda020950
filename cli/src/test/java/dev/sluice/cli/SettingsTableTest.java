package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.settings.SettingsCatalog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SettingsTableTest {
  private static final Path DOC = Path.of("../docs/settings.md");

  @Test
  void docsSettingsMdIsWhatTheCatalogueGenerates() throws Exception {
    String generated =
        SettingsTable.markdown(SettingsCatalog.discover(SettingsTableTest.class.getClassLoader()));
    if (Boolean.getBoolean("settings-table.write")) {
      Files.writeString(DOC, generated, StandardCharsets.UTF_8);
    }
    String committed = Files.exists(DOC) ? Files.readString(DOC, StandardCharsets.UTF_8) : "";
    assertThat(committed)
        .as(
            "docs/settings.md differs from the declared settings; regenerate it with ./dev mvn -o"
                + " -q test -pl cli -am -Dtest=SettingsTableTest"
                + " -Dsurefire.failIfNoSpecifiedTests=false -Dsettings-table.write=true")
        .isEqualTo(generated);
  }
}
