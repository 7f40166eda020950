package dev.sluice.store;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A place in the run listing: the (start time, id) of the last run of a page, and the listing's
 * direction. Encoded opaquely so clients pass it back rather than build one; its version prefix
 * lets the form change. A cursor keeps its direction: one from the newest-first listing is refused
 * by an oldest-first query, and the other way round, since the keyset condition would run the wrong
 * way and silently skip or repeat runs.
 *
 * @param oldestFirst whether the listing it came from runs from the oldest run
 */
record RunCursor(long startMicros, String id, boolean oldestFirst) {
  /** The current form: {@code 2:<a|d>:<start micros>:<id>}. */
  private static final String VERSION = "2:";

  /** The first form, of newest-first listings only: {@code 1:<start micros>:<id>}. */
  private static final String VERSION_1 = "1:";

  private static final String OLDEST = "a";
  private static final String NEWEST = "d";

  String encode() {
    String plain = VERSION + (oldestFirst ? OLDEST : NEWEST) + ":" + startMicros + ":" + id;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The cursor {@code text} encodes, for a query listing oldest first ({@code oldestFirst}) or
   * newest first.
   *
   * @throws IllegalArgumentException when it is not a cursor of this store, or one of the listing
   *     in the other direction
   */
  static RunCursor decode(String text, boolean oldestFirst) {
    RunCursor cursor = parse(text);
    if (cursor == null) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a flow-run cursor of this store; pass a nextCursor back as it was");
    }
    if (cursor.oldestFirst() != oldestFirst) {
      throw new IllegalArgumentException(
          "the flow-run cursor '"
              + text
              + "' comes from a listing of the "
              + (cursor.oldestFirst() ? "oldest" : "newest")
              + " runs first, not of this query's "
              + (oldestFirst ? "oldest" : "newest")
              + " first; page on with the query that handed it out");
    }
    return cursor;
  }

  private static @Nullable RunCursor parse(String text) {
    try {
      String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
      boolean oldest;
      String rest;
      if (plain.startsWith(VERSION + OLDEST + ":") || plain.startsWith(VERSION + NEWEST + ":")) {
        oldest = plain.startsWith(VERSION + OLDEST);
        rest = plain.substring(VERSION.length() + 2);
      } else if (plain.startsWith(VERSION_1)) {
        oldest = false;
        rest = plain.substring(VERSION_1.length());
      } else {
        return null;
      }
      int colon = rest.indexOf(':');
      long start = Long.parseLong(rest.substring(0, colon));
      String id = UUID.fromString(rest.substring(colon + 1)).toString();
      return new RunCursor(start, id, oldest);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return null; // not one of ours
    }
  }
}
