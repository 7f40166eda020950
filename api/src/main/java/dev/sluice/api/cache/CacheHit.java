package dev.sluice.api.cache;

import org.jspecify.annotations.Nullable;

/**
 * A cached result found for a key.
 *
 * @param value the result, read back as the key's result type
 * @param source which tier held it: {@code memory} or {@code disk}
 */
public record CacheHit(@Nullable Object value, String source) {}
