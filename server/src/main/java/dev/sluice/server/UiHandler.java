package dev.sluice.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * The web dashboard: its pages, scripts and styles from {@code dev/sluice/server/ui/} on the class
 * path (under {@code /ui/}) and the libraries it uses from their WebJars (under {@code /webjars/}).
 * Every page path ({@code /}, {@code /flows/...}, {@code /runs/...}, and the paths reserved for
 * deployments, work queues and agents) answers {@code index.html}, whose script draws the page from
 * {@code /api/v1} (there is no other endpoint for it). Paths under {@code /api/} are not this
 * handler's: it declines them, and the {@link ApiHandler} after it answers.
 *
 * <p>Each file is read once, compressed once (when gzip makes it smaller) and kept in memory with a
 * strong ETag (a hash of its bytes), so a repeat visit costs a 304. {@code index.html} and the
 * dashboard's own files are revalidated on every load ({@code no-cache}); WebJar files, whose path
 * holds their version, are cached for a year. Every answer carries a Content-Security-Policy that
 * allows scripts and styles from this server only: nothing inline, nothing from elsewhere.
 */
final class UiHandler extends Handler.Abstract {
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";
  private static final String UI = "dev/sluice/server/ui/";
  private static final String WEBJARS = "META-INF/resources/webjars/";
  private static final String REVALIDATE = "no-cache";
  private static final String IMMUTABLE = "public, max-age=31536000, immutable";
  private static final Set<String> PAGES =
      Set.of("flows", "runs", "deployments", "work-queues", "agents");
  private static final Map<String, String> TYPES =
      Map.ofEntries(
          Map.entry("html", "text/html; charset=utf-8"),
          Map.entry("js", "text/javascript; charset=utf-8"),
          Map.entry("mjs", "text/javascript; charset=utf-8"),
          Map.entry("css", "text/css; charset=utf-8"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("png", "image/png"),
          Map.entry("ico", "image/x-icon"),
          Map.entry("json", "application/json; charset=utf-8"),
          Map.entry("map", "application/json; charset=utf-8"),
          Map.entry("txt", "text/plain; charset=utf-8"),
          Map.entry("woff2", "font/woff2"));
  private static final Set<String> COMPRESSIBLE =
      Set.of("html", "js", "mjs", "css", "svg", "json", "map", "txt");

  private final ClassLoader loader;
  private final Map<String, Asset> assets = new ConcurrentHashMap<>();

  UiHandler() {
    this(UiHandler.class.getClassLoader());
  }

  UiHandler(ClassLoader loader) {
    this.loader = loader;
  }

  /** A file as served: its bytes, their gzip form when smaller, and a hash of the bytes. */
  private record Asset(String type, byte[] bytes, byte @Nullable [] gzipped, String hash) {}

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    if (path.equals("/api") || path.startsWith("/api/")) {
      return false;
    }
    var headers = response.getHeaders();
    headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("Referrer-Policy", "no-referrer");
    String method = request.getMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      headers.put(HttpHeader.ALLOW, "GET, HEAD");
      plain(
          response, callback, 405, method + " is not allowed here; the dashboard is read with GET");
      return true;
    }
    Asset asset;
    String cache;
    int status = 200;
    if (path.startsWith("/ui/")) {
      asset = asset(UI, path.substring(4));
      cache = REVALIDATE;
    } else if (path.startsWith("/webjars/")) {
      asset = asset(WEBJARS, path.substring(9));
      cache = IMMUTABLE;
    } else {
      // Every other path is a page of the dashboard, drawn by its script; an unknown one is drawn
      // as "not found" (and answered with a 404, so a link checker sees it).
      asset = asset(UI, "index.html");
      cache = REVALIDATE;
      status = isPage(request.getHttpURI().getPath()) ? 200 : 404;
      if (asset == null) {
        throw new IllegalStateException("the dashboard's index.html is missing from the jar");
      }
    }
    if (asset == null) {
      plain(response, callback, 404, "no such file: " + path);
      return true;
    }
    send(request, response, callback, status, asset, cache);
    return true;
  }

  /** Whether {@code path} (as sent: a flow name's '/' is %2F) is one of the dashboard's pages. */
  static boolean isPage(String path) {
    if (path.equals("/") || path.isEmpty()) {
      return true;
    }
    String[] segments = path.substring(1).split("/", -1);
    if (!PAGES.contains(segments[0])) {
      return false;
    }
    return switch (segments[0]) {
      case "flows", "runs" ->
          segments.length == 1 || (segments.length == 2 && !segments[1].isEmpty());
      default -> segments.length == 1;
    };
  }

  private void send(
      Request request,
      Response response,
      Callback callback,
      int status,
      Asset asset,
      String cache) {
    var headers = response.getHeaders();
    boolean gzip = asset.gzipped() != null && Gzip.accepted(request);
    String etag = "\"" + asset.hash() + (gzip ? "-gz" : "") + "\"";
    headers.put(HttpHeader.CACHE_CONTROL, cache);
    headers.put(HttpHeader.ETAG, etag);
    if (asset.gzipped() != null) {
      headers.put(HttpHeader.VARY, "Accept-Encoding");
    }
    String ifNoneMatch = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
    if (status == 200 && ifNoneMatch != null && matches(ifNoneMatch, etag)) {
      response.setStatus(304);
      response.write(true, null, callback);
      return;
    }
    byte[] gzipped = asset.gzipped();
    byte[] body = gzip && gzipped != null ? gzipped : asset.bytes();
    response.setStatus(status);
    headers.put(HttpHeader.CONTENT_TYPE, asset.type());
    if (gzip) {
      headers.put(HttpHeader.CONTENT_ENCODING, "gzip");
    }
    headers.put(HttpHeader.CONTENT_LENGTH, body.length);
    boolean head = request.getMethod().equals("HEAD");
    response.write(true, head ? null : ByteBuffer.wrap(body), callback);
  }

  private static boolean matches(String ifNoneMatch, String etag) {
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.strip();
      if (c.startsWith("W/")) {
        c = c.substring(2);
      }
      if (c.equals("*") || c.equals(etag)) {
        return true;
      }
    }
    return false;
  }

  /** The file {@code name} under {@code root}, read once; null when there is none to serve. */
  private @Nullable Asset asset(String root, String name) {
    String extension = extension(name);
    if (extension == null || !safe(name)) {
      return null;
    }
    String resource = root + name;
    Asset cached = assets.get(resource);
    if (cached != null) {
      return cached;
    }
    URL url = loader.getResource(resource);
    if (url == null) {
      return null;
    }
    Asset loaded = load(url, extension);
    Asset previous = assets.putIfAbsent(resource, loaded);
    return previous != null ? previous : loaded;
  }

  private static @Nullable String extension(String name) {
    int dot = name.lastIndexOf('.');
    int slash = name.lastIndexOf('/');
    if (dot <= slash + 1 || dot == name.length() - 1) {
      return null;
    }
    String extension = name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return TYPES.containsKey(extension) ? extension : null;
  }

  /** No way out of the root: no empty, dot or backslash segments (Jetty refuses most already). */
  private static boolean safe(String name) {
    if (name.isEmpty() || name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0) {
      return false;
    }
    for (String segment : name.split("/", -1)) {
      if (segment.isEmpty() || segment.startsWith(".")) {
        return false;
      }
    }
    return true;
  }

  private static Asset load(URL url, String extension) {
    byte[] bytes;
    try (InputStream in = url.openStream()) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the dashboard's file " + url, e);
    }
    byte[] gzipped =
        COMPRESSIBLE.contains(extension) && bytes.length > 256
            ? Gzip.compress(bytes, Gzip.BEST)
            : null;
    return new Asset(
        TYPES.getOrDefault(extension, "application/octet-stream"), bytes, gzipped, hash(bytes));
  }

  private static String hash(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  private static void plain(Response response, Callback callback, int status, String text) {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
