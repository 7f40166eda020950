package dev.sluice.api;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * How one flow run is identified, beyond its flow and parameters: an id chosen by the caller (a run
 * an orchestration server scheduled, so the run it recorded and the one that executes are the same
 * record), a name people read, tags that work queues and filters match, and an idempotency key.
 * Immutable; start from {@link #none()}.
 *
 * {@snippet :
 * RunOptions options = RunOptions.none()
 *     .withName("nightly 2026-12-07")
 *     .withTags("ETL", "nightly")
 *     .withIdempotencyKey("nightly-2026-12-07");
 * RunHandle run = sluice.start(pipeline, Map.of("day", "2026-12-07"), options);
 * }
 *
 * <p>Starting a run whose id, or whose flow and idempotency key, match a run still in progress in
 * the same Sluice instance returns that run's handle instead of starting another: a caller that
 * retries a start after a timeout does not run the flow twice. The key is also recorded with the
 * run, so a store shared by several processes can tell that a run with that key exists.
 *
 * @param id the flow run's id, or null to let the engine choose one (a UUIDv7)
 * @param name a name for people, or null for none
 * @param tags tags of the run, in the order given, without duplicates
 * @param idempotencyKey a key no two runs of one flow share, or null for none
 */
public record RunOptions(
    @Nullable UUID id, @Nullable String name, Set<String> tags, @Nullable String idempotencyKey) {
  private static final RunOptions NONE = new RunOptions(null, null, Set.of(), null);

  /** The longest name, tag or idempotency key accepted, in characters. */
  public static final int MAX_LENGTH = 200;

  /**
   * @throws IllegalArgumentException listing every blank, over-long or control-character name, tag
   *     or key
   */
  public RunOptions {
    tags = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(tags));
    List<String> problems = new ArrayList<>();
    check("run name", name, problems);
    for (String tag : tags) {
      check("tag", Objects.requireNonNull(tag, "a tag is null"), problems);
    }
    check("idempotency key", idempotencyKey, problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(Problems.describe("invalid run options", problems));
    }
  }

  private static void check(String what, @Nullable String value, List<String> problems) {
    if (value == null) {
      return;
    }
    if (value.isBlank()) {
      problems.add("the " + what + " is blank; give some text, or leave it out");
    } else if (value.length() > MAX_LENGTH) {
      problems.add(
          "the "
              + what
              + " '"
              + value.substring(0, 20)
              + "…' has "
              + value.length()
              + " characters; at most "
              + MAX_LENGTH
              + " are allowed");
    } else if (value.chars().anyMatch(Character::isISOControl)) {
      problems.add(
          "the "
              + what
              + " "
              + quoted(value)
              + " contains a control character (a newline, tab or NUL); remove it");
    }
  }

  /** {@code value} in quotes, its control characters shown as {@code \\uXXXX}; Flow uses it too. */
  static String quoted(String value) {
    StringBuilder s = new StringBuilder("'");
    value
        .codePoints()
        .forEach(
            c -> {
              if (Character.isISOControl(c)) {
                s.append(String.format(java.util.Locale.ROOT, "\\u%04x", c));
              } else {
                s.appendCodePoint(c);
              }
            });
    return s.append('\'').toString();
  }

  /** No id, name, tags or key: the engine picks the id. */
  public static RunOptions none() {
    return NONE;
  }

  /** These options with the run's id set to {@code runId}. */
  public RunOptions withId(UUID runId) {
    return new RunOptions(Objects.requireNonNull(runId, "runId"), name, tags, idempotencyKey);
  }

  /** These options with the run named {@code runName}. */
  public RunOptions withName(String runName) {
    return new RunOptions(id, Objects.requireNonNull(runName, "runName"), tags, idempotencyKey);
  }

  /** These options with {@code more} added to the tags. */
  public RunOptions withTags(String... more) {
    Set<String> all = new LinkedHashSet<>(tags);
    all.addAll(List.of(more));
    return new RunOptions(id, name, all, idempotencyKey);
  }

  /** These options with the idempotency key set to {@code key}. */
  public RunOptions withIdempotencyKey(String key) {
    return new RunOptions(id, name, tags, Objects.requireNonNull(key, "key"));
  }
}
