package dev.sluice.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@code WHERE} clause of a query on {@code sluice_flow_runs}, built from a listing's or a
 * count's filters. Every value is a bound parameter, and text matched with {@code LIKE} has its
 * wildcards escaped, so what a user types matches literally and cannot change the query.
 */
final class RunConditions {
  /** The {@code LIKE} escape character; see {@link #likeLiteral}. */
  private static final char ESCAPE = '!';

  private final List<String> conditions = new ArrayList<>();
  private final List<Object> args = new ArrayList<>();

  /** Only runs of flow {@code name}, when given. */
  RunConditions flowName(@Nullable String name) {
    if (name != null) {
      add("flow_name = ?", name);
    }
    return this;
  }

  /** Only runs whose current state's name or type is one of {@code lowerCase}, when any. */
  RunConditions states(Set<String> lowerCase) {
    if (!lowerCase.isEmpty()) {
      String marks = InLists.marks(lowerCase.size());
      conditions.add(
          "(LOWER(state_name) IN (" + marks + ") OR LOWER(state_type) IN (" + marks + "))");
      args.addAll(lowerCase);
      args.addAll(lowerCase);
    }
    return this;
  }

  /** Only runs that started in {@code [since, until)}; either end may be open (null). */
  RunConditions startedIn(@Nullable Instant since, @Nullable Instant until) {
    if (since != null) {
      add("start_time >= ?", Micros.of(since));
    }
    if (until != null) {
      add("start_time < ?", Micros.of(until));
    }
    return this;
  }

  /** Only runs whose id starts with {@code prefix}, when given. */
  RunConditions idPrefix(@Nullable String prefix) {
    if (prefix != null) {
      add("id LIKE ? ESCAPE '" + ESCAPE + "'", likeLiteral(prefix.toLowerCase(Locale.ROOT)) + "%");
    }
    return this;
  }

  /**
   * Only runs whose name contains {@code text} (without case: both sides go through the database's
   * {@code LOWER}) or whose id starts with it, when given.
   */
  RunConditions text(@Nullable String text) {
    if (text != null) {
      String literal = likeLiteral(text);
      conditions.add(
          "(LOWER(run_name) LIKE LOWER(?) ESCAPE '"
              + ESCAPE
              + "' OR id LIKE LOWER(?) ESCAPE '"
              + ESCAPE
              + "')");
      args.add("%" + literal + "%");
      args.add(literal + "%");
    }
    return this;
  }

  /**
   * Only runs carrying every one of {@code tags}, when any: one index probe per tag and run, so a
   * listing walking the runs in start order stops as soon as its page is full. With {@code rare} (a
   * tag few runs carry), the runs carrying it are the starting set instead, found by the tag index,
   * since walking every run to find the few would read them all.
   */
  RunConditions tags(Set<String> tags, @Nullable String rare) {
    for (String tag : tags) {
      if (tag.equals(rare)) {
        add("id IN (SELECT flow_run_id FROM sluice_flow_run_tags WHERE tag = ?)", tag);
      } else {
        add(
            "EXISTS (SELECT 1 FROM sluice_flow_run_tags t WHERE t.flow_run_id = sluice_flow_runs.id"
                + " AND t.tag = ?)",
            tag);
      }
    }
    return this;
  }

  /** Like {@link #tags(Set, String)} with no rare tag. */
  RunConditions tags(Set<String> tags) {
    return tags(tags, null);
  }

  /** Only runs after {@code cursor} in the listing's order, when given. */
  RunConditions after(@Nullable RunCursor cursor) {
    if (cursor != null) {
      String beyond = cursor.oldestFirst() ? ">" : "<";
      conditions.add("(start_time " + beyond + " ? OR (start_time = ? AND id " + beyond + " ?))");
      args.add(cursor.startMicros());
      args.add(cursor.startMicros());
      args.add(cursor.id());
    }
    return this;
  }

  /** The clause, {@code " WHERE ..."}, or empty when no filter was given. */
  String where() {
    return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
  }

  /** Binds the clause's values from parameter {@code first} on; returns the next index. */
  int bind(PreparedStatement statement, int first) throws SQLException {
    int i = first;
    for (Object arg : args) {
      statement.setObject(i++, arg);
    }
    return i;
  }

  private void add(String condition, Object arg) {
    conditions.add(condition);
    args.add(arg);
  }

  /** {@code text} as a {@code LIKE} pattern that matches it literally: wildcards escaped. */
  static String likeLiteral(String text) {
    StringBuilder pattern = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%' || c == '_' || c == ESCAPE) {
        pattern.append(ESCAPE);
      }
      pattern.append(c);
    }
    return pattern.toString();
  }
}
