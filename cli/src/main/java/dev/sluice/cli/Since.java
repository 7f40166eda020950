package dev.sluice.cli;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code --since}: an age ({@code 30s}, {@code 15m}, {@code 1h}, {@code 2d}, {@code 1w}, or
 * ISO-8601 {@code PT90M}), an instant ({@code 2026-11-23T21:00:00Z}, with an offset, or a local
 * date-time in the user's zone) or a date ({@code 2026-11-23}, from midnight in the user's zone).
 */
final class Since {
  private static final Pattern AGE = Pattern.compile("(\\d+)\\s*(s|m|min|h|d|w)");

  private Since() {}

  static Instant parse(String text, Instant now, ZoneId zone) {
    String value = text.strip();
    Matcher age = AGE.matcher(value.toLowerCase(Locale.ROOT));
    try {
      if (age.matches()) {
        long amount = Long.parseLong(age.group(1));
        Duration unit =
            switch (age.group(2)) {
              case "s" -> Duration.ofSeconds(1);
              case "m", "min" -> Duration.ofMinutes(1);
              case "h" -> Duration.ofHours(1);
              case "d" -> Duration.ofDays(1);
              default -> Duration.ofDays(7);
            };
        return now.minus(unit.multipliedBy(amount));
      }
      if (value.startsWith("P") || value.startsWith("p")) {
        return now.minus(Duration.parse(value.toUpperCase(Locale.ROOT)));
      }
      if (value.length() == 10) {
        return LocalDate.parse(value).atStartOfDay(zone).toInstant();
      }
      if (value.endsWith("Z") || value.endsWith("z")) {
        return Instant.parse(value.toUpperCase(Locale.ROOT));
      }
      if (value.matches(".*[+-]\\d\\d:\\d\\d$")) {
        return OffsetDateTime.parse(value).toInstant();
      }
      return LocalDateTime.parse(value).atZone(zone).toInstant();
    } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a time: give an age such as 30s, 15m, 1h, 2d, 1w or PT90M, an instant"
              + " such as 2026-11-23T21:00:00Z, or a date such as 2026-11-23",
          e);
    }
  }
}
