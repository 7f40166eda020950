package dev.sluice.server;

import java.io.Serial;

/**
 * An answer other than success, as the API gives it: a status and the JSON body {@code {"error":
 * kind, "detail": detail}}. Thrown by a route; the handler writes it.
 */
final class ApiError extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final int status;
  private final String kind;

  private ApiError(int status, String kind, String detail) {
    super(detail, null, false, false);
    this.status = status;
    this.kind = kind;
  }

  int status() {
    return status;
  }

  String kind() {
    return kind;
  }

  String detail() {
    return String.valueOf(getMessage());
  }

  static ApiError badRequest(String detail) {
    return new ApiError(400, "bad-request", detail);
  }

  static ApiError unauthorized(String detail) {
    return new ApiError(401, "unauthorized", detail);
  }

  static ApiError forbidden(String detail) {
    return new ApiError(403, "forbidden", detail);
  }

  static ApiError notFound(String detail) {
    return new ApiError(404, "not-found", detail);
  }

  static ApiError methodNotAllowed(String detail) {
    return new ApiError(405, "method-not-allowed", detail);
  }

  static ApiError conflict(String detail) {
    return new ApiError(409, "conflict", detail);
  }

  static ApiError tooLarge(String detail) {
    return new ApiError(413, "too-large", detail);
  }

  static ApiError unsupportedMediaType(String detail) {
    return new ApiError(415, "unsupported-media-type", detail);
  }

  static ApiError tooManyStreams(String detail) {
    return new ApiError(429, "too-many-streams", detail);
  }

  static ApiError unavailable(String detail) {
    return new ApiError(503, "unavailable", detail);
  }

  static ApiError internal(String detail) {
    return new ApiError(500, "internal", detail);
  }
}
