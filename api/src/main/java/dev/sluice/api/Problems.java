package dev.sluice.api;

import java.util.List;

/** Formats a list of problems under a header, as the validation exceptions show them. */
final class Problems {
  private Problems() {}

  /** {@code header (N problems):} then one indented line per problem. */
  static String describe(String header, List<String> problems) {
    StringBuilder s =
        new StringBuilder(header)
            .append(" (")
            .append(problems.size())
            .append(problems.size() == 1 ? " problem):" : " problems):");
    for (String p : problems) {
      s.append("\n  - ").append(p);
    }
    return s.toString();
  }
}
