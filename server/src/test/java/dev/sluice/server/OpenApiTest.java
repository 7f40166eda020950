package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStores;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document and the real routes agree: every route is documented with its scope, and
 * every documented operation is a route the server answers (not with "no such route").
 */
class OpenApiTest {
  @TempDir Path home;

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedRouteExists() throws Exception {
    try (RunStore store = RunStores.open(home.resolve("s.db").toString(), Map.of());
        SluiceServer server = SluiceServer.builder().store(store).port(0).start()) {
      JsonNode doc =
          new ObjectMapper().readTree(new Http(server.uri()).get("/api/v1/openapi.json").body());
      assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");

      Set<String> documented = new TreeSet<>();
      Map<String, String> documentedScopes = new java.util.TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields();
          paths.hasNext(); ) {
        Map.Entry<String, JsonNode> path = paths.next();
        for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields();
            ops.hasNext(); ) {
          Map.Entry<String, JsonNode> op = ops.next();
          String key = op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
          documented.add(key);
          documentedScopes.put(key, op.getValue().path("x-sluice-scope").asText("none"));
        }
      }
      Api api = new Api(store, new Streams(store.history(), 1), "test", new byte[0]);
      Set<String> routed = new TreeSet<>();
      Map<String, String> routedScopes = new java.util.TreeMap<>();
      for (Router.Route r : api.router().routes()) {
        String key = r.method() + " " + r.template();
        routed.add(key);
        routedScopes.put(key, r.scope() == null ? "none" : r.scope().word());
      }
      assertThat(documented).as("documented operations").isEqualTo(routed);
      assertThat(documentedScopes).as("documented scopes").isEqualTo(routedScopes);

      Http http = new Http(server.uri());
      for (String op : documented) {
        String method = op.substring(0, op.indexOf(' '));
        String path =
            op.substring(op.indexOf(' ') + 1)
                .replace("{id}", java.util.UUID.randomUUID().toString())
                .replace("{name}", "x");
        if (path.endsWith("/stream")) {
          continue; // a stream stays open; its routes are tested in ApiContract
        }
        Http.Answer answer =
            http.send(
                http.request(path)
                    .header("Content-Type", "application/json")
                    .method(method, java.net.http.HttpRequest.BodyPublishers.ofString("{}")));
        if (answer.status() == 404) {
          assertThat(answer.json().get("detail").asText()).as(op).doesNotContain("no API route");
        }
        assertThat(answer.status()).as(op).isNotEqualTo(405).isLessThan(500);
      }
    }
  }
}
