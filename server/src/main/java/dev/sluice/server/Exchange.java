package dev.sluice.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.sluice.wire.ApiJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.jspecify.annotations.Nullable;

/**
 * One API call as a route sees it: its path and query parameters, its body, who made it, and the
 * answer. Parameter readers throw {@link ApiError#badRequest} naming the parameter.
 */
final class Exchange {
  static final String JSON = "application/json; charset=utf-8";

  /**
   * Answers from this size on are gzipped, at the fastest level, for callers that accept it: a
   * 10^4-task run's detail (6 MB of JSON) shrinks about tenfold for a browser across a network,
   * while the small answers of a busy API cost no compression.
   */
  static final int GZIP_FROM = 8 * 1024;

  final Request request;
  final Response response;
  final Callback callback;
  final Map<String, String> pathParameters;
  final Principal principal;
  private final long maxBody;
  private @Nullable Fields query;
  private boolean answered;

  Exchange(
      Request request,
      Response response,
      Callback callback,
      Map<String, String> pathParameters,
      Principal principal,
      long maxBody) {
    this.request = request;
    this.response = response;
    this.callback = callback;
    this.pathParameters = pathParameters;
    this.principal = principal;
    this.maxBody = maxBody;
  }

  /** Who made the call: a token's name and scope, or the open server's anonymous caller. */
  record Principal(String name, Scope scope) {}

  String path(String name) {
    String value = pathParameters.get(name);
    if (value == null) {
      throw new IllegalStateException("no path parameter " + name);
    }
    return value;
  }

  UUID pathId(String name, String what) {
    String text = path(name);
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw ApiError.notFound("no " + what + " has the id '" + text + "' (ids are UUIDs)");
    }
  }

  private Fields query() {
    Fields q = query;
    if (q == null) {
      try {
        q = Request.extractQueryParameters(request);
      } catch (RuntimeException e) {
        throw ApiError.badRequest("the query string cannot be read: " + e.getMessage());
      }
      query = q;
    }
    return q;
  }

  Optional<String> query(String name) {
    List<String> values = queryAll(name);
    if (values.size() > 1) {
      throw ApiError.badRequest("the query parameter '" + name + "' is given more than once");
    }
    return values.stream().findFirst().map(String::strip).filter(s -> !s.isEmpty());
  }

  List<String> queryAll(String name) {
    List<String> values = query().getValues(name);
    return values == null ? List.of() : values;
  }

  /** Refuses query parameters the route does not know, so a typo is not silently ignored. */
  void onlyQuery(List<String> known) {
    for (String name : query().getNames()) {
      if (!known.contains(name)) {
        throw ApiError.badRequest(
            "unknown query parameter '"
                + name
                + "'"
                + (known.isEmpty()
                    ? "; this route takes none"
                    : "; known: " + String.join(", ", known)));
      }
    }
  }

  int intQuery(String name, int defaultValue, int min, int max) {
    Optional<String> text = query(name);
    if (text.isEmpty()) {
      return defaultValue;
    }
    try {
      int value = Integer.parseInt(text.get());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiError.badRequest(
        name
            + ": expected a whole number from "
            + min
            + " to "
            + max
            + ", got '"
            + text.get()
            + "'");
  }

  long longQuery(String name, long defaultValue) {
    Optional<String> text = query(name);
    if (text.isEmpty()) {
      return defaultValue;
    }
    try {
      long value = Long.parseLong(text.get());
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiError.badRequest(name + ": expected a whole number >= 0, got '" + text.get() + "'");
  }

  @Nullable Instant instantQuery(String name) {
    Optional<String> text = query(name);
    if (text.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(text.get());
    } catch (DateTimeParseException e) {
      throw ApiError.badRequest(
          name
              + ": expected an ISO-8601 instant such as 2026-12-07T10:00:00Z, got '"
              + text.get()
              + "'");
    }
  }

  @Nullable String header(HttpHeader header) {
    return request.getHeaders().get(header);
  }

  @Nullable String header(String name) {
    return request.getHeaders().get(name);
  }

  /** The body, at most the server's limit (413 beyond it). */
  byte[] body() {
    long length = request.getLength();
    if (length > maxBody) {
      if (length <= DRAIN_LIMIT) {
        drain(); // so the caller, still sending, reads the 413 instead of a reset connection
      }
      throw tooLarge();
    }
    String type = header(HttpHeader.CONTENT_TYPE);
    if (type != null && !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw ApiError.unsupportedMediaType("the body must be application/json, was '" + type + "'");
    }
    try (InputStream in = Content.Source.asInputStream(request)) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1));
      if (bytes.length > maxBody) {
        drain(in);
        throw tooLarge();
      }
      return bytes;
    } catch (IOException e) {
      throw ApiError.badRequest("the body could not be read: " + e.getMessage());
    }
  }

  /**
   * A body past the limit is read and dropped up to this many bytes before the 413 is sent: a
   * caller that does not ask {@code Expect: 100-continue} is still writing when the answer comes,
   * and a connection closed under it shows as a reset, not as the 413 that says what to change.
   * Beyond this the connection is closed at once.
   */
  private static final long DRAIN_LIMIT = 64L * 1024 * 1024;

  private void drain() {
    try (InputStream in = Content.Source.asInputStream(request)) {
      drain(in);
    } catch (IOException e) {
      // the caller went away: nothing to answer
    }
  }

  private static void drain(InputStream in) throws IOException {
    byte[] sink = new byte[64 * 1024];
    long left = DRAIN_LIMIT;
    int n;
    while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
      left -= n;
    }
  }

  private ApiError tooLarge() {
    return ApiError.tooLarge(
        "the body is larger than the server's limit of "
            + maxBody
            + " bytes (setting server.max-body)");
  }

  /** The body read as {@code type}; a malformed or unexpected document is a 400 naming why. */
  <T> T body(Class<T> type) {
    byte[] bytes = body();
    if (bytes.length == 0) {
      throw ApiError.badRequest("the body is empty; expected a JSON object");
    }
    try {
      return ApiJson.reader().forType(type).readValue(bytes);
    } catch (IOException e) {
      throw badJson(e);
    }
  }

  /** A 400 for a body Jackson refused, naming the field and what is wrong without Java types. */
  static ApiError badJson(IOException e) {
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      StringBuilder field = new StringBuilder();
      for (JsonMappingException.Reference r : m.getPath()) {
        if (r.getFieldName() != null) {
          field.append(field.length() == 0 ? "" : ".").append(r.getFieldName());
        } else if (r.getIndex() >= 0) {
          field.append('[').append(r.getIndex()).append(']');
        }
      }
      String what = m.getOriginalMessage();
      if (m instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u) {
        what = "unknown field '" + u.getPropertyName() + "'";
      }
      return ApiError.badRequest("the body's field '" + field + "' is wrong: " + firstLine(what));
    }
    String what = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
    return ApiError.badRequest("the body is not valid JSON: " + firstLine(String.valueOf(what)));
  }

  private static String firstLine(String text) {
    int newline = text.indexOf('\n');
    String line = newline < 0 ? text : text.substring(0, newline);
    // Jackson names Java types in some messages; users see the field and the fix instead.
    return line.replaceAll("\\(class [^)]*\\)", "").replaceAll("`[a-z]+(\\.[a-zA-Z$]+)+`", "value");
  }

  void json(int status, Object body) {
    byte[] bytes;
    try {
      bytes = ApiJson.writer().writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an API answer could not be written", e);
    }
    send(status, JSON, bytes);
  }

  void send(int status, String contentType, byte[] bytes) {
    answered = true;
    response.setStatus(status);
    var headers = response.getHeaders();
    headers.put(HttpHeader.CONTENT_TYPE, contentType);
    headers.put(HttpHeader.CACHE_CONTROL, "no-store");
    byte[] body = bytes;
    if (bytes.length >= GZIP_FROM) {
      headers.put(HttpHeader.VARY, "Accept-Encoding");
      byte[] gzipped = Gzip.accepted(request) ? Gzip.compress(bytes, Gzip.FAST) : null;
      if (gzipped != null) {
        headers.put(HttpHeader.CONTENT_ENCODING, "gzip");
        body = gzipped;
      }
    }
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  void text(int status, String contentType, String body) {
    send(status, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  void noContent() {
    answered = true;
    response.setStatus(204);
    response.write(true, null, callback);
  }

  /** Starts a streamed answer; the caller writes it and closes the stream, which ends the call. */
  OutputStream stream(int status, String contentType) {
    answered = true;
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    return Content.Sink.asOutputStream(response);
  }

  boolean answered() {
    return answered;
  }
}
