package dev.sluice.client;

import dev.sluice.api.store.ApiToken;
import dev.sluice.api.store.ApiTokens;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The server's API tokens, through its admin routes (a token with the {@code admin} scope). The
 * server never discloses a token's hash, so the tokens listed carry an empty one; the server
 * creates tokens itself ({@link SluiceClient#createToken}, which shows the token once), and checks
 * presented tokens itself, so {@link #create}, {@link #byHash} and {@link #used} are not available
 * here.
 */
final class RemoteTokens implements ApiTokens {
  private final SluiceClient client;

  RemoteTokens(SluiceClient client) {
    this.client = client;
  }

  /**
   * Not available: the server makes a token's secret.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public void create(ApiToken token) {
    throw new UnsupportedOperationException(
        "a token is created by the Sluice server, which makes its secret: call"
            + " SluiceClient.createToken(name, scope) (POST /api/v1/tokens), which shows it once");
  }

  @Override
  public List<ApiToken> list() {
    return RemoteHistory.call(
        () ->
            client.tokens().stream()
                .map(t -> new ApiToken(t.name(), t.scope(), "", t.createdAt(), t.lastUsedAt()))
                .toList());
  }

  /**
   * Not available: the server checks the tokens presented to it.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public Optional<ApiToken> byHash(String hash) {
    throw new UnsupportedOperationException(
        "the Sluice server checks the tokens presented to it; their hashes never leave it");
  }

  @Override
  public boolean any() {
    return !list().isEmpty();
  }

  @Override
  public boolean revoke(String name) {
    return RemoteHistory.call(() -> client.revokeToken(name));
  }

  /**
   * Not available: the server notes a token's use itself.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public void used(String name, Instant at) {
    throw new UnsupportedOperationException(
        "the Sluice server notes when a token is used, as it checks it");
  }
}
