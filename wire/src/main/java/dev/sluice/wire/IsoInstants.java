package dev.sluice.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;

/**
 * Writes an instant exactly as {@link DateTimeFormatter#ISO_INSTANT} does ({@code
 * 2026-11-20T10:15:30Z}, with a fraction of 3, 6 or 9 digits when there is one), about ten times
 * faster: the formatter resolves fields one by one through a generic printer, and a page of runs
 * writes hundreds of instants. Years outside 0000–9999 take the formatter.
 */
final class IsoInstants extends StdSerializer<Instant> {
  private static final long SECONDS_PER_DAY = 86_400;
  private static final long FIRST = -62_167_219_200L; // 0000-01-01T00:00:00Z
  private static final long LAST = 253_402_300_799L; // 9999-12-31T23:59:59Z

  IsoInstants() {
    super(Instant.class);
  }

  @Override
  public void serialize(Instant value, JsonGenerator out, SerializerProvider provider)
      throws IOException {
    char[] text = new char[30];
    int length = format(value, text);
    if (length < 0) {
      out.writeString(DateTimeFormatter.ISO_INSTANT.format(value));
    } else {
      out.writeString(text, 0, length);
    }
  }

  /**
   * Writes {@code t} into {@code text} (30 chars at least) and returns its length, or -1 when its
   * year has more or fewer than four digits.
   */
  static int format(Instant t, char[] text) {
    long seconds = t.getEpochSecond();
    if (seconds < FIRST || seconds > LAST) {
      return -1;
    }
    LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, SECONDS_PER_DAY));
    int year = date.getYear();
    int ofDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
    int i = digits(text, 0, year, 4);
    text[i++] = '-';
    i = digits(text, i, date.getMonthValue(), 2);
    text[i++] = '-';
    i = digits(text, i, date.getDayOfMonth(), 2);
    text[i++] = 'T';
    i = digits(text, i, ofDay / 3600, 2);
    text[i++] = ':';
    i = digits(text, i, ofDay / 60 % 60, 2);
    text[i++] = ':';
    i = digits(text, i, ofDay % 60, 2);
    int nanos = t.getNano();
    if (nanos != 0) {
      text[i++] = '.';
      if (nanos % 1_000_000 == 0) {
        i = digits(text, i, nanos / 1_000_000, 3);
      } else if (nanos % 1000 == 0) {
        i = digits(text, i, nanos / 1000, 6);
      } else {
        i = digits(text, i, nanos, 9);
      }
    }
    text[i++] = 'Z';
    return i;
  }

  /** Writes {@code value} as {@code width} decimal digits, zero-padded, at {@code at}. */
  private static int digits(char[] text, int at, int value, int width) {
    for (int p = at + width - 1; p >= at; p--) {
      text[p] = (char) ('0' + value % 10);
      value /= 10;
    }
    return at + width;
  }
}
