package dev.sluice.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** The query string of a request, each value percent-encoded as UTF-8. */
final class Query {
  private final StringBuilder text = new StringBuilder();

  /** Adds {@code name=value}; nothing when the value is null. */
  Query add(String name, @Nullable Object value) {
    if (value != null) {
      text.append(text.isEmpty() ? '?' : '&')
          .append(name)
          .append('=')
          .append(encode(value.toString()));
    }
    return this;
  }

  /** Adds {@code name=value} for each value, in sorted order (a repeatable parameter). */
  Query addAll(String name, Collection<String> values) {
    values.stream().sorted().forEach(v -> add(name, v));
    return this;
  }

  /** The query, {@code ?a=1&b=2}, or empty when nothing was added. */
  @Override
  public String toString() {
    return text.toString();
  }

  /**
   * {@code text} percent-encoded for a query value or a path segment ({@code %20}, not {@code +}).
   */
  static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The segments joined as a path, each encoded: {@code /flows/my%20flow}. */
  static String path(String... segments) {
    return java.util.Arrays.stream(segments)
        .map(Query::encode)
        .collect(Collectors.joining("/", "/", ""));
  }
}
