package dev.sluice.client;

import java.io.Serial;

/**
 * The Sluice server answered a request with an error (a status other than 2xx): its message is
 * {@code the Sluice server at URL answered 403 forbidden: <detail>}, where the detail is the
 * server's own explanation (docs/server.md lists the kinds). The token the client sent never
 * appears in it.
 */
public final class SluiceApiException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final String url;
  private final int status;
  private final String error;
  private final String detail;

  /**
   * An error answer.
   *
   * @param url the API's base URL
   * @param status the HTTP status
   * @param error the short kind of error the server named ({@code forbidden}, {@code not-found})
   * @param detail what the server says is wrong and how to fix it
   */
  public SluiceApiException(String url, int status, String error, String detail) {
    super("the Sluice server at " + url + " answered " + status + " " + error + ": " + detail);
    this.url = url;
    this.status = status;
    this.error = error;
    this.detail = detail;
  }

  /** The API's base URL, e.g. {@code http://127.0.0.1:4200/api/v1}. */
  public String url() {
    return url;
  }

  /** The HTTP status, e.g. 403. */
  public int status() {
    return status;
  }

  /** The short kind of error, e.g. {@code forbidden}. */
  public String error() {
    return error;
  }

  /** The server's explanation. */
  public String detail() {
    return detail;
  }

  /**
   * Whether asking again later may succeed: a server error (5xx), a request timeout (408) or too
   * many requests (429). Any other 4xx is a mistake in the request that repeating cannot fix.
   */
  public boolean isRetryable() {
    return status >= 500 || status == 408 || status == 429;
  }
}
