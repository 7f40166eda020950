package dev.sluice.api.store;

import java.util.Objects;

/**
 * A log line as stored, with its place in the store.
 *
 * @param sequence increases with every line a store commits; lines of one flow run are in the order
 *     they were logged. Use it to ask for the lines after the last one seen ({@link
 *     RunHistory#logs}).
 * @param line the line
 */
public record StoredLogLine(long sequence, LogLine line) {
  public StoredLogLine {
    Objects.requireNonNull(line, "line");
  }
}
