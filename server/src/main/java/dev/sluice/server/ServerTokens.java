package dev.sluice.server;

import dev.sluice.api.store.ApiToken;
import dev.sluice.api.store.ApiTokens;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Creating and checking the server's API tokens. A token is {@code slc_} and 32 random bytes in
 * base64url; only its SHA-256 is stored ({@link ApiTokens}), so a stolen database gives no token.
 * The command line ({@code sluice server token create}) and the admin API both create tokens here.
 */
public final class ServerTokens {
  private static final String PREFIX = "slc_";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private ServerTokens() {}

  /**
   * A token just created: {@link #token()} is shown once and never stored.
   *
   * @param name its name
   * @param scope its scope
   * @param token the token to give the client
   */
  public record Created(String name, Scope scope, String token) {}

  /**
   * Creates a token named {@code name} with {@code scope} and stores its hash.
   *
   * @throws IllegalArgumentException when the name is not 1 to 64 letters, digits, dots, dashes or
   *     underscores, or a token has that name already
   */
  public static Created create(ApiTokens tokens, String name, Scope scope) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "a token name is 1 to 64 letters, digits, '.', '-' or '_', starting with a letter or"
              + " digit; '"
              + name
              + "' is not");
    }
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    tokens.create(new ApiToken(name, scope.word(), hash(token), Instant.now(), null));
    return new Created(name, scope, token);
  }

  /**
   * The stored token {@code presented} is, if any. The store finds it by its hash, and the hashes
   * are compared again here in constant time; a high-entropy token's hash gives nothing away.
   */
  static Optional<ApiToken> check(ApiTokens tokens, String presented) {
    if (!presented.startsWith(PREFIX) || presented.length() > 200) {
      return Optional.empty();
    }
    String hash = hash(presented);
    return tokens
        .byHash(hash)
        .filter(
            t ->
                MessageDigest.isEqual(
                    t.hash().getBytes(StandardCharsets.US_ASCII),
                    hash.getBytes(StandardCharsets.US_ASCII)));
  }

  /** The SHA-256 of {@code token}, as lower-case hex: what the store keeps. */
  static String hash(String token) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
