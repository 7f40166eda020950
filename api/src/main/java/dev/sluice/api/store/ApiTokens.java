package dev.sluice.api.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The server's API tokens, kept in the run store's database so that every server process on it sees
 * the same ones. Writes are synchronous: when a method returns, the change is committed.
 */
public interface ApiTokens {
  /**
   * Stores a token.
   *
   * @throws IllegalArgumentException when a token with that name exists (revoke it first)
   */
  void create(ApiToken token);

  /** Every token, by name. */
  List<ApiToken> list();

  /** The token whose hash is {@code hash}, if one is stored. */
  Optional<ApiToken> byHash(String hash);

  /** Whether any token is stored. */
  boolean any();

  /**
   * Deletes the token named {@code name}.
   *
   * @return false when there was none
   */
  boolean revoke(String name);

  /**
   * Notes that the token named {@code name} was used at {@code at} (a cheap, best-effort write).
   */
  void used(String name, Instant at);
}
