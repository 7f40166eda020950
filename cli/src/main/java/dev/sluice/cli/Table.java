package dev.sluice.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A table for people: a header row (left out when every header is empty) and aligned,
 * left-justified columns two spaces apart.
 */
final class Table {
  private final String[] headers;
  private final List<String[]> rows = new ArrayList<>();

  Table(String... headers) {
    this.headers = headers.clone();
  }

  /** Adds a row; {@code null} cells print empty. */
  Table row(@Nullable Object... cells) {
    if (cells.length != headers.length) {
      throw new IllegalArgumentException(
          "row has " + cells.length + " cells, table has " + headers.length + " columns");
    }
    rows.add(
        Arrays.stream(cells)
            .map(c -> c == null ? "" : oneLine(c.toString()))
            .toArray(String[]::new));
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  void print(PrintWriter out) {
    int[] widths = new int[headers.length];
    for (int i = 0; i < headers.length; i++) {
      widths[i] = headers[i].length();
      for (String[] row : rows) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    if (Arrays.stream(headers).anyMatch(h -> !h.isEmpty())) {
      printRow(out, headers, widths);
    }
    for (String[] row : rows) {
      printRow(out, row, widths);
    }
    out.flush();
  }

  private static void printRow(PrintWriter out, String[] cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      line.append(cells[i]);
      if (i < cells.length - 1) {
        line.append(" ".repeat(widths[i] - cells[i].length() + 2));
      }
    }
    out.println(line.toString().stripTrailing());
  }

  /** A cell is one line: a multi-line message shows its first line and says there is more. */
  private static String oneLine(String text) {
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline).stripTrailing() + " …";
  }
}
