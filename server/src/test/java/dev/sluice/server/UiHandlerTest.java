package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStores;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's files as the server serves them: page URLs answer index.html, assets come with
 * ETags (304 on a repeat), gzip when asked (and for the API's large answers), cache headers, and a
 * Content-Security-Policy that allows no inline script; and the API keeps its own paths.
 */
class UiHandlerTest {
  private static final Path UI = Path.of("src/main/resources/dev/sluice/server/ui");

  @TempDir Path home;
  RunStore store;
  SluiceServer server;
  Http http;

  @BeforeEach
  void start() {
    store = RunStores.open(home.resolve("sluice.db").toString(), Map.of());
    server = SluiceServer.builder().store(store).port(0).start();
    http = new Http(server.uri());
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
  }

  @Test
  void everyPageUrlAnswersTheAppWithItsSecurityHeaders() {
    for (String page :
        List.of(
            "/",
            "/flows",
            "/flows/nightly-etl",
            "/flows/team%2Fetl",
            "/runs",
            "/runs/01a25095-5f26-7000-9af5-b20ec7392248",
            "/deployments",
            "/work-queues",
            "/agents")) {
      Http.Answer answer = http.get(page);
      assertThat(answer.status()).as(page).isEqualTo(200);
      assertThat(answer.raw().headers().firstValue("Content-Type"))
          .as(page)
          .hasValue("text/html; charset=utf-8");
      assertThat(answer.body()).as(page).contains("<script type=\"module\" src=\"/ui/app.js\">");
      assertSecurityHeaders(answer, page);
      assertThat(answer.raw().headers().firstValue("Cache-Control")).hasValue("no-cache");
    }
    Http.Answer unknown = http.get("/no/such/page");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.body()).contains("/ui/app.js"); // the app draws its "not found" page
    assertSecurityHeaders(unknown, "/no/such/page");
  }

  private static void assertSecurityHeaders(Http.Answer answer, String what) {
    String csp = answer.raw().headers().firstValue("Content-Security-Policy").orElse("");
    assertThat(csp)
        .as(what)
        .isEqualTo(UiHandler.CONTENT_SECURITY_POLICY)
        .contains("script-src 'self'")
        .contains("style-src 'self'")
        .contains("frame-ancestors 'none'")
        .doesNotContain("unsafe-inline")
        .doesNotContain("unsafe-eval");
    assertThat(answer.raw().headers().firstValue("X-Content-Type-Options"))
        .as(what)
        .hasValue("nosniff");
  }

  @Test
  void assetsHaveETagsAndARepeatIsA304() {
    Http.Answer first = http.get("/ui/app.js");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.raw().headers().firstValue("Content-Type"))
        .hasValue("text/javascript; charset=utf-8");
    String etag = first.raw().headers().firstValue("ETag").orElseThrow();
    assertThat(etag).matches("\"[A-Za-z0-9_-]{22}\"");
    assertSecurityHeaders(first, "/ui/app.js");
    Http.Answer again = http.send(http.request("/ui/app.js").header("If-None-Match", etag));
    assertThat(again.status()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    Http.Answer changed =
        http.send(http.request("/ui/app.js").header("If-None-Match", "\"something-else\""));
    assertThat(changed.status()).isEqualTo(200);
  }

  @Test
  void assetsAreGzippedForClientsThatAcceptIt() throws IOException {
    byte[] plain = http.get("/ui/app.css").body().getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> zipped = gzipGet("/ui/app.css");
    assertThat(zipped.statusCode()).isEqualTo(200);
    assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
    assertThat(zipped.headers().firstValue("Vary")).hasValue("Accept-Encoding");
    assertThat(zipped.body().length).isLessThan(plain.length / 2);
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
      assertThat(in.readAllBytes()).isEqualTo(plain);
    }
    String plainTag = http.get("/ui/app.css").raw().headers().firstValue("ETag").orElseThrow();
    assertThat(zipped.headers().firstValue("ETag")).isPresent().get().isNotEqualTo(plainTag);
  }

  @Test
  void largeApiAnswersAreGzippedForClientsThatAcceptItAndSmallOnesAreNot() throws IOException {
    byte[] plain = http.get("/api/v1/openapi.json").body().getBytes(StandardCharsets.UTF_8);
    assertThat(plain.length).isGreaterThan(Exchange.GZIP_FROM);
    HttpResponse<byte[]> zipped = gzipGet("/api/v1/openapi.json");
    assertThat(zipped.statusCode()).isEqualTo(200);
    assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
    assertThat(zipped.headers().firstValue("Vary")).hasValue("Accept-Encoding");
    assertThat(zipped.body().length).isLessThan(plain.length / 3);
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
      assertThat(in.readAllBytes()).isEqualTo(plain);
    }
    HttpResponse<byte[]> small = gzipGet("/api/v1/flow-runs");
    assertThat(small.statusCode()).isEqualTo(200);
    assertThat(small.body().length).isLessThan(Exchange.GZIP_FROM);
    assertThat(small.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(http.get("/api/v1/openapi.json").raw().headers().firstValue("Content-Encoding"))
        .as("a caller that does not ask for gzip gets the plain answer")
        .isEmpty();
  }

  @Test
  void webJarsAreServedVersionedAndCachedForAYear() throws IOException {
    String dashboard = Files.readString(UI.resolve("pages/dashboard.js"));
    Matcher chart = Pattern.compile("'(/webjars/chart\\.js/[^']+)'").matcher(dashboard);
    assertThat(chart.find()).as("dashboard.js names the Chart.js file").isTrue();
    HttpResponse<byte[]> lib = gzipGet(chart.group(1));
    assertThat(lib.statusCode())
        .as(chart.group(1) + " (the version in server/pom.xml)")
        .isEqualTo(200);
    assertThat(lib.headers().firstValue("Cache-Control"))
        .hasValue("public, max-age=31536000, immutable");
    assertThat(lib.headers().firstValue("Content-Encoding")).hasValue("gzip");
    assertThat(http.get("/webjars/chart.js/0.0.0/dist/chart.umd.min.js").status()).isEqualTo(404);
  }

  @Test
  void onlyTheDashboardsOwnFilesAreServed() {
    for (String path :
        List.of(
            "/ui/",
            "/ui/lib",
            "/ui/nothing.js",
            "/ui/.hidden.js",
            "/ui/app.class",
            "/webjars/",
            "/ui/%2e%2e/openapi.json",
            "/ui/..%2Fopenapi.json",
            "/ui/lib/..%2F..%2Fopenapi.json")) {
      int status = http.get(path).status();
      assertThat(status).as(path).isIn(400, 404);
    }
    Http.Answer post = http.send(http.request("/").POST(HttpRequest.BodyPublishers.ofString("x")));
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.raw().headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  @Test
  void theApiKeepsItsPaths() {
    Http.Answer health = http.get("/api/v1/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().get("status").asText()).isEqualTo("ok");
    Http.Answer other = http.get("/api/v2/flows");
    assertThat(other.status()).isEqualTo(404);
    assertThat(other.json().get("error").asText()).isEqualTo("not-found");
    assertThat(http.get("/api").json().get("error").asText()).isEqualTo("not-found");
  }

  /** The pages hold no inline script or style, and the scripts never parse data as HTML. */
  @Test
  void theDashboardsSourcesHaveNoInlineCodeAndNoHtmlSinks() throws IOException {
    String index = Files.readString(UI.resolve("index.html"));
    Matcher scripts = Pattern.compile("<script\\b[^>]*>").matcher(index);
    while (scripts.find()) {
      assertThat(scripts.group()).as("every script is a file").contains("src=");
    }
    assertThat(index).doesNotContain("style=").doesNotContain("<style");
    assertThat(Pattern.compile("\\son[a-z]+\\s*=").matcher(index).find())
        .as("no inline event handler attributes")
        .isFalse();
    try (Stream<Path> files = Files.walk(UI)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".js")).toList()) {
        String js = Files.readString(file);
        assertThat(js)
            .as(file + " builds the DOM from text and attributes only (lib/dom.js)")
            .doesNotContain(".innerHTML")
            .doesNotContain(".outerHTML")
            .doesNotContain("insertAdjacentHTML")
            .doesNotContain("document.write")
            .doesNotContain("eval(")
            .doesNotContain("new Function");
      }
    }
  }

  private HttpResponse<byte[]> gzipGet(String path) {
    try {
      return http.client()
          .send(
              http.request(path).header("Accept-Encoding", "gzip, deflate").GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
