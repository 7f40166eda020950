package dev.sluice.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The base URL of the API, normalised: {@code http://h:p}, {@code http://h:p/api} and {@code
 * http://h:p/api/v1} (with or without a trailing slash) all become {@code http://h:p/api/v1}; a
 * path before {@code /api} (a reverse proxy's prefix, {@code https://h/sluice}) is kept.
 */
final class ApiUrl {
  /** The API version this client speaks. */
  static final String VERSION_PATH = "/api/v1";

  private ApiUrl() {}

  /**
   * The API's base URL for {@code text}, without a trailing slash.
   *
   * @throws IllegalArgumentException saying what is wrong when {@code text} is not an {@code
   *     http://} or {@code https://} URL of a host, carries credentials, a query or a fragment, or
   *     names another API version
   */
  static String normalise(String text) {
    String given = text.strip();
    String shown = given.replaceAll("//[^/@]*@", "//***@"); // never echo credentials
    String lower = given.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
      throw new IllegalArgumentException(
          "the Sluice server's URL must start with http:// or https://, was '"
              + shown
              + "'; e.g. http://127.0.0.1:4200");
    }
    URI uri;
    try {
      uri = new URI(given);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "the Sluice server's URL '" + shown + "' is not a URL (" + e.getReason() + ")", e);
    }
    String scheme = lower.startsWith("https") ? "https" : "http";
    if (uri.getRawUserInfo() != null) {
      // Never echo it: the user part may hold a password.
      throw new IllegalArgumentException(
          "the Sluice server's URL must not carry credentials (user@ or user:password@ before the"
              + " host); give the token with the api.token setting instead");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException(
          "the Sluice server's URL '" + given + "' names no host; e.g. http://127.0.0.1:4200");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "the Sluice server's URL '"
              + given
              + "' must not have a query (?...) or fragment (#...); give the server's base URL,"
              + " e.g. http://127.0.0.1:4200");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path.endsWith(VERSION_PATH)) {
      path = path.substring(0, path.length() - VERSION_PATH.length());
    } else if (path.endsWith("/api")) {
      path = path.substring(0, path.length() - "/api".length());
    } else if (path.matches(".*/api/v[0-9]+")) {
      throw new IllegalArgumentException(
          "the Sluice server's URL '"
              + given
              + "' names an API version this client does not speak; it speaks "
              + VERSION_PATH);
    }
    String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
    // An IPv6 host comes with its brackets.
    return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + port + path + VERSION_PATH;
  }
}
