package dev.sluice.store;

import dev.sluice.api.store.ApiToken;
import dev.sluice.api.store.ApiTokens;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's API tokens in {@code sluice_api_tokens}, written synchronously in short transactions
 * on the store's pooled connections. {@link #used} writes at most once a minute per token, so
 * checking a token on every request does not take the database's write lock each time.
 */
final class JdbcApiTokens implements ApiTokens {
  private static final Logger log = LoggerFactory.getLogger(JdbcApiTokens.class);

  /** How far a token's last use must move before it is written again. */
  static final Duration USE_RESOLUTION = Duration.ofSeconds(60);

  private static final String COLUMNS = "name, scope, hash, created, last_used";

  private final ConnectionPool pool;

  /** The last use written (or read) per token name, so most uses write nothing. */
  private final Map<String, Instant> lastUsed = new ConcurrentHashMap<>();

  JdbcApiTokens(ConnectionPool pool) {
    this.pool = pool;
  }

  /** Whether a token was created, or why not. */
  private enum Refusal {
    NONE,
    NAME,
    HASH
  }

  @Override
  public void create(ApiToken token) {
    Refusal refused =
        pool.inTransaction(
            c -> {
              try (PreparedStatement insert =
                  c.prepareStatement(
                      "INSERT INTO sluice_api_tokens ("
                          + COLUMNS
                          + ") VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                insert.setString(1, token.name());
                insert.setString(2, token.scope());
                insert.setString(3, token.hash());
                insert.setLong(4, Micros.of(token.createdAt()));
                Long used = Micros.ofNullable(token.lastUsedAt());
                if (used == null) {
                  insert.setNull(5, Types.BIGINT);
                } else {
                  insert.setLong(5, used);
                }
                if (insert.executeUpdate() > 0) {
                  return Refusal.NONE;
                }
              }
              try (PreparedStatement named =
                  c.prepareStatement("SELECT 1 FROM sluice_api_tokens WHERE name = ?")) {
                named.setString(1, token.name());
                try (ResultSet rs = named.executeQuery()) {
                  return rs.next() ? Refusal.NAME : Refusal.HASH;
                }
              }
            });
    if (refused == Refusal.NAME) {
      throw new IllegalArgumentException(
          "an API token named '" + token.name() + "' exists already; revoke it first");
    }
    if (refused == Refusal.HASH) {
      throw new IllegalArgumentException(
          "another API token has the hash of token '"
              + token.name()
              + "' (the same token stored twice); create a new token");
    }
  }

  @Override
  public List<ApiToken> list() {
    return pool.with(
        c -> {
          try (PreparedStatement s =
                  c.prepareStatement(
                      "SELECT " + COLUMNS + " FROM sluice_api_tokens ORDER BY name");
              ResultSet rs = s.executeQuery()) {
            List<ApiToken> tokens = new ArrayList<>();
            while (rs.next()) {
              tokens.add(token(rs));
            }
            return List.copyOf(tokens);
          }
        });
  }

  @Override
  public Optional<ApiToken> byHash(String hash) {
    return pool.with(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement("SELECT " + COLUMNS + " FROM sluice_api_tokens WHERE hash = ?")) {
            s.setString(1, hash);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next() ? Optional.of(token(rs)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public boolean any() {
    return pool.with(
        c -> {
          try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM sluice_api_tokens LIMIT 1");
              ResultSet rs = s.executeQuery()) {
            return rs.next();
          }
        });
  }

  @Override
  public boolean revoke(String name) {
    boolean deleted =
        pool.inTransaction(
            c -> {
              try (PreparedStatement s =
                  c.prepareStatement("DELETE FROM sluice_api_tokens WHERE name = ?")) {
                s.setString(1, name);
                return s.executeUpdate() > 0;
              }
            });
    lastUsed.remove(name);
    return deleted;
  }

  /**
   * Writes {@code at} as the token's last use when it is at least {@link #USE_RESOLUTION} after the
   * one stored (checked here first, then by the update itself, for other processes' writes). Best
   * effort: a failure is logged at DEBUG and forgotten.
   */
  @Override
  public void used(String name, Instant at) {
    Instant known = lastUsed.get(name);
    if (known != null && at.isBefore(known.plus(USE_RESOLUTION))) {
      return;
    }
    try {
      pool.inTransaction(
          c -> {
            try (PreparedStatement s =
                c.prepareStatement(
                    "UPDATE sluice_api_tokens SET last_used = ? WHERE name = ?"
                        + " AND (last_used IS NULL OR last_used <= ?)")) {
              s.setLong(1, Micros.of(at));
              s.setString(2, name);
              s.setLong(3, Micros.of(at.minus(USE_RESOLUTION)));
              return s.executeUpdate();
            }
          });
      lastUsed.merge(name, at, (a, b) -> a.isAfter(b) ? a : b);
    } catch (RuntimeException e) {
      log.debug("could not note the use of API token '{}'", name, e);
    }
  }

  private static ApiToken token(ResultSet rs) throws SQLException {
    long used = rs.getLong(5);
    @Nullable Instant lastUsedAt = rs.wasNull() ? null : Micros.toInstant(used);
    return new ApiToken(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        Micros.toInstant(rs.getLong(4)),
        lastUsedAt);
  }
}
