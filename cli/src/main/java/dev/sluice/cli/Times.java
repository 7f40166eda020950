package dev.sluice.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Instants as people read them in tables: local date and time in the user's zone. */
final class Times {
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
  private static final DateTimeFormatter MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT);

  private Times() {}

  static String seconds(@Nullable Instant at, ZoneId zone) {
    return at == null ? "" : SECONDS.format(at.atZone(zone));
  }

  static String millis(@Nullable Instant at, ZoneId zone) {
    return at == null ? "" : MILLIS.format(at.atZone(zone));
  }
}
