package dev.sluice.cli;

import dev.sluice.api.internal.TerminalLine;
import dev.sluice.api.settings.Settings;
import java.time.Duration;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;

/**
 * What a command reads from the world around it: environment, system properties, clock, time zone.
 * Tests pass their own, so commands run in-process against a temporary {@code SLUICE_HOME}.
 *
 * @param followInterval how often {@code flow-run logs --follow} polls the store
 * @param terminal whether the output is a terminal, where {@code --follow} draws a progress line
 */
record Context(
    Map<String, String> environment,
    Map<String, String> systemProperties,
    InstantSource clock,
    ZoneId zone,
    Duration followInterval,
    boolean terminal) {

  static final Duration DEFAULT_FOLLOW_INTERVAL = Duration.ofMillis(500);

  Context {
    environment = Map.copyOf(environment);
    systemProperties = Map.copyOf(systemProperties);
  }

  /** This process's environment and system properties, the system clock and zone, its terminal. */
  static Context system() {
    Map<String, String> props = new HashMap<>();
    System.getProperties().forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
    return new Context(
        System.getenv(),
        props,
        InstantSource.system(),
        ZoneId.systemDefault(),
        DEFAULT_FOLLOW_INTERVAL,
        TerminalLine.isTerminal());
  }

  /** The settings as they are now (read afresh, so a command sees what an earlier one wrote). */
  Settings settings() {
    return Settings.load(Map.of(), systemProperties, environment);
  }
}
