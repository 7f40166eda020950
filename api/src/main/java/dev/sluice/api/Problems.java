package dev.sluice.api;

import java.util.List;

/** Formats a list of problems under a header, as the validation exceptions show them. */
final class Problems {
  private Problems() {}

  /** The most problems a message lists; the exception's {@code problems()} has them all. */
  static final int MAX_LISTED = 50;

  /**
   * {@code header (N problems):} then one indented line per problem, at most {@link #MAX_LISTED} of
   * them, then "and N more" (10^5 unknown parameters made a 5.7 MB message).
   */
  static String describe(String header, List<String> problems) {
    StringBuilder s =
        new StringBuilder(header)
            .append(" (")
            .append(problems.size())
            .append(problems.size() == 1 ? " problem):" : " problems):");
    int shown = Math.min(problems.size(), MAX_LISTED);
    for (String p : problems.subList(0, shown)) {
      s.append("\n  - ").append(p);
    }
    if (shown < problems.size()) {
      s.append("\n  - and ").append(problems.size() - shown).append(" more");
    }
    return s.toString();
  }
}
