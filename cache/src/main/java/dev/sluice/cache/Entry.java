package dev.sluice.cache;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A cached result as the tiers keep it: its JSON encoding, the name of the class it was (used only
 * when the task's result type is unknown), and when it expires.
 *
 * @param payload the result's JSON
 * @param typeName the result's class name, {@code "null"} for a null result
 * @param expiresAtMillis epoch milliseconds after which it is a miss; {@link Long#MAX_VALUE} for
 *     never
 * @param immutable the result itself when it is a value nobody can change (a {@code String}, a
 *     boxed integer or boolean), so a memory hit needs no copy; {@code null} otherwise
 */
record Entry(byte[] payload, String typeName, long expiresAtMillis, @Nullable Object immutable) {
  /** The result types kept as {@link #immutable}: decoding their JSON gives an equal value. */
  private static final Set<Class<?>> IMMUTABLE =
      Set.of(String.class, Boolean.class, Integer.class, Long.class);

  Entry(byte[] payload, String typeName, long expiresAtMillis) {
    this(payload, typeName, expiresAtMillis, null);
  }

  /** An entry for {@code value}, keeping the value itself if it is immutable. */
  static Entry of(byte[] payload, @Nullable Object value, long expiresAtMillis) {
    return value == null
        ? new Entry(payload, "null", expiresAtMillis)
        : new Entry(
            payload,
            value.getClass().getName(),
            expiresAtMillis,
            IMMUTABLE.contains(value.getClass()) ? value : null);
  }

  /** What the memory tier counts against its bound: payload plus a rough per-entry overhead. */
  int weight() {
    return payload.length
        + typeName.length()
        + (immutable instanceof String text ? text.length() : 0)
        + 160;
  }

  boolean expired(long nowMillis) {
    return nowMillis >= expiresAtMillis;
  }
}
