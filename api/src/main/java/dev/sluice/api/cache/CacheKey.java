package dev.sluice.api.cache;

import java.lang.reflect.Type;
import java.util.List;
import java.util.Objects;

/**
 * A task run's cache key, with the parts it was computed from (so "why did it miss?" has an answer)
 * and the type its result is stored and read back as.
 *
 * @param value the key: lower-case hex SHA-256
 * @param parts each part's name and hash, in key order
 * @param resultType the declared type of the task's result
 */
public record CacheKey(String value, List<Part> parts, Type resultType) {
  public CacheKey {
    Objects.requireNonNull(value, "value");
    parts = List.copyOf(parts);
    Objects.requireNonNull(resultType, "resultType");
  }

  /**
   * One part of a key.
   *
   * @param name what it is: {@code task}, {@code version}, {@code code}, {@code key}, {@code
   *     parameters}, {@code run}, or {@code input:NAME}
   * @param hash lower-case hex SHA-256 of its canonical encoding
   */
  public record Part(String name, String hash) {}

  @Override
  public String toString() {
    return value;
  }
}
