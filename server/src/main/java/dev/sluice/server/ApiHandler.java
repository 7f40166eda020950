package dev.sluice.server;

import dev.sluice.api.store.ApiToken;
import dev.sluice.api.store.ApiTokens;
import dev.sluice.api.store.RunStoreException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's front door: finds the route, authenticates the caller (a token with the route's scope,
 * when tokens are in use), runs the route, and turns whatever went wrong into the API's JSON error.
 * Never logs or echoes the {@code Authorization} header.
 */
final class ApiHandler extends Handler.Abstract {
  private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);

  private final Router router;
  private final ApiTokens tokens;
  private final boolean requireToken;
  private final long maxBody;

  ApiHandler(Router router, ApiTokens tokens, boolean requireToken, long maxBody) {
    this.router = router;
    this.tokens = tokens;
    this.requireToken = requireToken;
    this.maxBody = maxBody;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    // The raw path: the router decodes segment by segment (a flow name may hold an encoded '/').
    String path = request.getHttpURI().getPath();
    String method = request.getMethod();
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    Exchange exchange = null;
    try {
      Router.Match match = router.find(method, path);
      if (match == null) {
        var methods = router.methodsFor(path);
        if (!methods.isEmpty()) {
          response.getHeaders().put(HttpHeader.ALLOW, String.join(", ", methods));
          throw ApiError.methodNotAllowed(
              method + " is not allowed on " + path + "; allowed: " + String.join(", ", methods));
        }
        throw ApiError.notFound(
            "no API route " + method + " " + path + "; the routes are in /api/v1/openapi.json");
      }
      Exchange.Principal principal = authenticate(request, match.route().scope());
      exchange = new Exchange(request, response, callback, match.parameters(), principal, maxBody);
      match.route().handler().handle(exchange);
      if (!exchange.answered()) {
        throw new IllegalStateException(
            "the route " + match.route().template() + " gave no answer");
      }
    } catch (ApiError e) {
      fail(request, response, callback, exchange, e);
    } catch (IllegalArgumentException e) {
      fail(
          request,
          response,
          callback,
          exchange,
          ApiError.badRequest(String.valueOf(e.getMessage())));
    } catch (RunStoreException e) {
      log.warn("{} {}: the run store failed: {}", method, path, e.getMessage());
      fail(
          request,
          response,
          callback,
          exchange,
          ApiError.unavailable("the server cannot reach its run store; try again shortly"));
    } catch (EofException e) {
      callback.failed(e); // the client went away
    } catch (Exception | LinkageError | StackOverflowError | AssertionError e) {
      String reference = UUID.randomUUID().toString().substring(0, 8);
      log.error("{} {} failed (reference {})", method, path, reference, e);
      fail(
          request,
          response,
          callback,
          exchange,
          ApiError.internal(
              "the server failed to answer; its log has the details under reference " + reference));
    }
    return true;
  }

  private void fail(
      Request request,
      Response response,
      Callback callback,
      @Nullable Exchange exchange,
      ApiError error) {
    if (exchange != null && exchange.answered()) {
      log.debug(
          "{} {} failed after answering: {}",
          request.getMethod(),
          request.getHttpURI(),
          error.detail());
      callback.failed(error);
      return;
    }
    if (error.status() == 401) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"sluice\"");
    }
    Exchange answer =
        exchange != null
            ? exchange
            : new Exchange(
                request,
                response,
                callback,
                Map.of(),
                new Exchange.Principal("anonymous", Scope.READ),
                maxBody);
    answer.json(error.status(), Map.of("error", error.kind(), "detail", error.detail()));
  }

  private Exchange.Principal authenticate(Request request, @Nullable Scope needed) {
    if (needed == null) {
      return new Exchange.Principal(clientName(request), Scope.READ);
    }
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header == null) {
      if (requireToken || tokens.any()) {
        throw ApiError.unauthorized(
            "this server needs a token: send 'Authorization: Bearer <token>' (create one with"
                + " 'sluice server token create --name NAME --scope "
                + needed.word()
                + "'; clients read it from api.token / SLUICE_API_TOKEN)");
      }
      return new Exchange.Principal(clientName(request), Scope.ADMIN);
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw ApiError.unauthorized("the Authorization header must be 'Bearer <token>'");
    }
    Optional<ApiToken> token = ServerTokens.check(tokens, header.substring(7).strip());
    if (token.isEmpty()) {
      throw ApiError.unauthorized("the token is not valid: it was never created, or was revoked");
    }
    ApiToken t = token.get();
    Scope scope = Scope.of(t.scope());
    if (!scope.allows(needed)) {
      throw ApiError.forbidden(
          "the token '"
              + t.name()
              + "' has the scope "
              + scope.word()
              + "; this call needs "
              + needed.word()
              + (needed == Scope.READ || needed == Scope.ADMIN ? "" : " (or admin)"));
    }
    Instant now = Instant.now();
    if (t.lastUsedAt() == null || t.lastUsedAt().isBefore(now.minusSeconds(60))) {
      tokens.used(t.name(), now);
    }
    return new Exchange.Principal("token:" + t.name(), scope);
  }

  private static String clientName(Request request) {
    return "address:" + Request.getRemoteAddr(request);
  }
}
