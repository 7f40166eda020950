/**
 * Sluice's settings: every module declares its settings once, as {@link
 * dev.sluice.api.settings.Setting}s listed by a {@link dev.sluice.api.settings.SettingsCatalog}
 * registered for {@link java.util.ServiceLoader}; {@link dev.sluice.api.settings.Settings} resolves
 * them from code, system properties {@code sluice.KEY}, environment variables {@code SLUICE_KEY}
 * and {@code $SLUICE_HOME/config.properties}, in that order, and parses them with the declared
 * parser. The {@code sluice config} command and {@code docs/settings.md} are derived from the same
 * declarations.
 */
@NullMarked
package dev.sluice.api.settings;

import org.jspecify.annotations.NullMarked;
