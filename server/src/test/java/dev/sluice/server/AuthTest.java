package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStores;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens and scopes: each scope allowed what it allows and refused the rest. */
class AuthTest {
  @TempDir Path home;
  RunStore store;
  SluiceServer server;
  Http anonymous;

  @BeforeEach
  void start() {
    store = RunStores.open(home.resolve("s.db").toString(), Map.of());
    server = SluiceServer.builder().store(store).port(0).start();
    anonymous = new Http(server.uri());
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
  }

  Http as(Scope scope) {
    return anonymous.withToken(
        ServerTokens.create(
                store.tokens(),
                scope.word() + "-" + UUID.randomUUID().toString().substring(0, 6),
                scope)
            .token());
  }

  @Test
  void withoutTokensTheLoopbackServerIsOpenAndWithOneEveryCallNeedsOne() {
    assertThat(anonymous.get("/api/v1/flows").status()).isEqualTo(200);
    Http reader = as(Scope.READ);
    Http.Answer refused = anonymous.get("/api/v1/flows");
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.json().get("error").asText()).isEqualTo("unauthorized");
    assertThat(refused.raw().headers().firstValue("WWW-Authenticate")).isPresent();
    assertThat(reader.get("/api/v1/flows").status()).isEqualTo(200);
    assertThat(anonymous.get("/api/v1/health").status()).isEqualTo(200);
    assertThat(anonymous.get("/api/v1/openapi.json").status()).isEqualTo(200);
    assertThat(anonymous.withToken("slc_not-a-token").get("/api/v1/flows").status()).isEqualTo(401);
  }

  @Test
  void eachScopeIsAllowedItsCallsAndRefusedTheRest() {
    Http reader = as(Scope.READ);
    Http runner = as(Scope.RUN);
    Http agent = as(Scope.AGENT);
    Http admin = as(Scope.ADMIN);
    String cancel = "/api/v1/flow-runs/" + UUID.randomUUID() + "/cancel";
    String record = "{\"source\":\"s\",\"sequence\":0,\"records\":[],\"active\":[]}";

    for (Http any : new Http[] {reader, runner, agent, admin}) {
      assertThat(any.get("/api/v1/flow-runs").status()).isEqualTo(200);
    }
    assertThat(reader.post(cancel, "").status()).isEqualTo(403);
    assertThat(agent.post(cancel, "").status()).isEqualTo(403);
    assertThat(runner.post(cancel, "").status()).isEqualTo(404); // allowed; the run is unknown
    assertThat(admin.post(cancel, "").status()).isEqualTo(404);

    assertThat(reader.post("/api/v1/records", record).status()).isEqualTo(403);
    assertThat(runner.post("/api/v1/records", record).status()).isEqualTo(403);
    assertThat(agent.post("/api/v1/records", record).status()).isEqualTo(200);
    assertThat(admin.post("/api/v1/records", record).status()).isEqualTo(200);

    for (Http notAdmin : new Http[] {reader, runner, agent}) {
      Http.Answer answer = notAdmin.get("/api/v1/tokens");
      assertThat(answer.status()).isEqualTo(403);
      assertThat(answer.json().get("detail").asText()).contains("needs admin");
    }
    assertThat(admin.get("/api/v1/tokens").json().get("items")).hasSize(4);
  }

  @Test
  void theAdminApiCreatesListsAndRevokesTokensAndNeverShowsAHash() {
    Http admin = as(Scope.ADMIN);
    Http.Answer created = admin.post("/api/v1/tokens", "{\"name\":\"ci\",\"scope\":\"read\"}");
    assertThat(created.status()).isEqualTo(201);
    String token = created.json().get("token").asText();
    assertThat(token).startsWith("slc_");
    assertThat(anonymous.withToken(token).get("/api/v1/flows").status()).isEqualTo(200);

    Http.Answer listed = admin.get("/api/v1/tokens");
    assertThat(listed.body()).doesNotContain(token).doesNotContain(ServerTokens.hash(token));
    assertThat(store.tokens().list()).noneMatch(t -> t.hash().contains(token));

    assertThat(admin.post("/api/v1/tokens", "{\"name\":\"ci\",\"scope\":\"read\"}").status())
        .isEqualTo(409);
    assertThat(admin.post("/api/v1/tokens", "{\"name\":\"x\",\"scope\":\"root\"}").status())
        .isEqualTo(400);
    assertThat(
            admin
                .post("/api/v1/tokens", "{\"name\":\"x\",\"scope\":\"read\",\"extra\":1}")
                .status())
        .isEqualTo(400);
    assertThat(admin.delete("/api/v1/tokens/ci").status()).isEqualTo(204);
    assertThat(anonymous.withToken(token).get("/api/v1/flows").status()).isEqualTo(401);
    assertThat(admin.delete("/api/v1/tokens/ci").status()).isEqualTo(404);
  }

  @Test
  void aServerThatRequiresTokensRefusesCallsBeforeAnyExists() {
    try (SluiceServer strict =
        SluiceServer.builder().store(store).port(0).requireToken(true).start()) {
      assertThat(new Http(strict.uri()).get("/api/v1/flows").status()).isEqualTo(401);
    }
  }
}
