package dev.sluice.api.store;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An API token of the server, as stored: never the token itself, only its hash.
 *
 * @param name the token's name, unique
 * @param scope what it allows: {@code read}, {@code run}, {@code agent} or {@code admin}
 * @param hash the SHA-256 of the token, as lower-case hex
 * @param createdAt when it was created
 * @param lastUsedAt when a request last presented it, by the minute; null when never
 */
public record ApiToken(
    String name, String scope, String hash, Instant createdAt, @Nullable Instant lastUsedAt) {
  public ApiToken {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
