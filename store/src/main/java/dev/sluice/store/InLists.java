package dev.sluice.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code IN (?, ?, ...)} lists of bound values: long lists are cut into chunks, each well below
 * both databases' limits on parameters per statement.
 */
final class InLists {
  /** Values per list at most. */
  static final int CHUNK = 500;

  private InLists() {}

  /** {@code count} parameter marks, separated by commas: the inside of an {@code IN (...)}. */
  static String marks(int count) {
    return String.join(", ", Collections.nCopies(count, "?"));
  }

  /** {@code values} in chunks of at most {@link #CHUNK}, in order. */
  static <T> List<List<T>> chunks(List<T> values) {
    List<List<T>> chunks = new ArrayList<>();
    for (int from = 0; from < values.size(); from += CHUNK) {
      chunks.add(values.subList(from, Math.min(values.size(), from + CHUNK)));
    }
    return chunks;
  }
}
