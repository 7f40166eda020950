package dev.sluice.server;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The API's routes: a method and a path template ({@code /api/v1/flow-runs/{id}}) to a handler. A
 * literal segment wins over a parameter, so {@code /flow-runs/history} is not an id. Paths are
 * matched as sent, split on {@code /} before decoding.
 */
final class Router {
  /** What a route does with a call. */
  @FunctionalInterface
  interface Handler {
    void handle(Exchange exchange) throws Exception;
  }

  /**
   * A route.
   *
   * @param method the HTTP method
   * @param template the path, with {@code {name}} for a parameter segment
   * @param scope what a token needs to call it; null when it needs none
   * @param handler what it does
   */
  record Route(String method, String template, @Nullable Scope scope, Handler handler) {
    List<String> segments() {
      return split(template);
    }
  }

  /** A route found for a call, with its path parameters. */
  record Match(Route route, Map<String, String> parameters) {}

  private final List<Route> routes = new ArrayList<>();

  void add(String method, String template, @Nullable Scope scope, Handler handler) {
    routes.add(new Route(method, template, scope, handler));
  }

  List<Route> routes() {
    return List.copyOf(routes);
  }

  /** The route for {@code method} and {@code path}; null when no route has that path. */
  @Nullable Match find(String method, String path) {
    List<String> segments = split(path);
    Match best = null;
    int bestParams = Integer.MAX_VALUE;
    for (Route route : routes) {
      if (!route.method().equals(method)) {
        continue;
      }
      Map<String, String> params = match(route.segments(), segments);
      if (params != null && params.size() < bestParams) {
        best = new Match(route, params);
        bestParams = params.size();
      }
    }
    return best;
  }

  /** The methods that have a route for {@code path}, for a 405's detail. */
  Set<String> methodsFor(String path) {
    List<String> segments = split(path);
    Set<String> methods = new TreeSet<>();
    for (Route route : routes) {
      if (match(route.segments(), segments) != null) {
        methods.add(route.method());
      }
    }
    return methods;
  }

  private static @Nullable Map<String, String> match(List<String> template, List<String> path) {
    if (template.size() != path.size()) {
      return null;
    }
    Map<String, String> params = new HashMap<>();
    for (int i = 0; i < template.size(); i++) {
      String t = template.get(i);
      String p = path.get(i);
      if (t.startsWith("{") && t.endsWith("}")) {
        if (p.isEmpty()) {
          return null;
        }
        params.put(t.substring(1, t.length() - 1), p);
      } else if (!t.equals(p)) {
        return null;
      }
    }
    return params;
  }

  /**
   * The segments of a path as sent (percent-encoded), each decoded after the split, so {@code
   * team%2Fetl} is the one segment {@code team/etl}. A bad escape is an IllegalArgumentException (a
   * 400).
   */
  private static List<String> split(String path) {
    List<String> segments = new ArrayList<>();
    for (String s : path.split("/", -1)) {
      if (!s.isEmpty()) {
        segments.add(
            s.indexOf('%') < 0
                ? s
                : URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
      }
    }
    return segments;
  }
}
