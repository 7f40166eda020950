package dev.sluice.cli;

import dev.sluice.api.settings.Setting;
import java.util.List;

/**
 * Renders {@code docs/settings.md} from the declared settings; SettingsTableTest keeps it current.
 */
final class SettingsTable {
  private SettingsTable() {}

  static String markdown(List<Setting<?>> settings) {
    StringBuilder out =
        new StringBuilder(
            "# Settings\n\n"
                + "<!-- Generated from the settings catalogue by SettingsTable; do not edit. -->\n\n"
                + "A value comes from, in order: code (`Sluice.builder().setting(KEY, VALUE)`), the"
                + " system property `sluice.KEY`, the environment variable, `$SLUICE_HOME/config.properties`"
                + " (`sluice config set`), the default. The environment variable is `SLUICE_` and the"
                + " key in upper case with `.`, `-` and camelCase as `_`. For a pattern key such as"
                + " `concurrency.<tag>`, the free part of a variable is read in lower case"
                + " (`SLUICE_CONCURRENCY_GPU` sets `concurrency.gpu`); a tag or step with capitals,"
                + " dashes, dots or spaces is set with the system property or the file.\n\n"
                + "| Setting | Environment variable | Default | Values | Description |\n"
                + "|---|---|---|---|---|\n");
    for (Setting<?> s : settings) {
      out.append("| `")
          .append(s.key())
          .append("` | `")
          .append(s.environmentName())
          .append("` | ")
          .append(cell(s.defaultText()))
          .append(" | ")
          .append(cell(s.expected()))
          .append(" | ")
          .append(cell(s.description()))
          .append(s.fileAllowed() ? "" : " (not in the file)")
          .append(s.isSecret() ? " (secret)" : "")
          .append(" |\n");
    }
    return out.toString();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("<", "&lt;");
  }
}
