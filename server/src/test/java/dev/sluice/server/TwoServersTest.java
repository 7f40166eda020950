package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.State;
import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStores;
import dev.sluice.wire.RecordBatches;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two server processes' worth of servers (each with its own store connection) on one PostgreSQL
 * database answer as one: what is recorded through one is read through the other, a token made on
 * one works on the other and its revocation too, a cancel asked of one is seen by the other.
 */
class TwoServersTest {
  @Test
  void twoServersOnOnePostgresDatabaseServeTheSameTruth() throws Exception {
    String url = Postgres.freshSchema("sluice_two_servers_test");
    try (RunStore storeA = RunStores.open(url, Map.of());
        RunStore storeB = RunStores.open(url, Map.of());
        SluiceServer a = SluiceServer.builder().store(storeA).port(0).start();
        SluiceServer b = SluiceServer.builder().store(storeB).port(0).start()) {
      Http toA = new Http(a.uri());
      Http toB = new Http(b.uri());

      Instant at = Instant.now();
      List<UUID> ids = new ArrayList<>();
      List<Object> records = new ArrayList<>();
      FlowInfo flow = new FlowInfo("shared", "1", "", List.of(), "");
      for (int i = 0; i < 5; i++) {
        UUID id = UUID.randomUUID();
        ids.add(id);
        records.add(
            new FlowRunStart(
                id, flow, "{}", null, null, at.plusMillis(i), new RunOwner("elsewhere", 9, at)));
        records.add(new FlowRunEvent(id, "shared", null, null, State.RUNNING, at.plusMillis(i), 1));
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      RecordBatches.write(body, "two-servers", 1, records, List.of());
      assertThat(toA.post("/api/v1/records", body.toByteArray()).status()).isEqualTo(200);
      // The same batch sent to the other replica (a sender that failed over) is stored once.
      assertThat(toB.post("/api/v1/records", body.toByteArray()).status()).isEqualTo(200);

      JsonNode listedOnB = toB.get("/api/v1/flow-runs?flow=shared").json().get("items");
      assertThat(listedOnB).hasSize(5);
      assertThat(toB.get("/api/v1/flow-runs/" + ids.get(0)).json().get("history")).hasSize(2);

      // A cancel asked of B is what A's recorders hear about.
      assertThat(toB.post("/api/v1/flow-runs/" + ids.get(1) + "/cancel", "").status())
          .isEqualTo(202);
      String poll =
          "{\"source\":\"two-servers\",\"sequence\":0,\"records\":[],\"active\":[\""
              + ids.get(1)
              + "\",\""
              + ids.get(2)
              + "\"]}";
      JsonNode cancels = toA.post("/api/v1/records", poll).json().get("cancelRequested");
      assertThat(cancels).hasSize(1);
      assertThat(cancels.get(0).asText()).isEqualTo(ids.get(1).toString());

      // A token made through A guards B too, and its revocation through B holds on A.
      ServerTokens.Created admin = ServerTokens.create(storeA.tokens(), "ops", Scope.ADMIN);
      assertThat(toB.get("/api/v1/flows").status()).isEqualTo(401);
      assertThat(toB.withToken(admin.token()).get("/api/v1/flows").status()).isEqualTo(200);
      assertThat(toB.withToken(admin.token()).delete("/api/v1/tokens/ops").status()).isEqualTo(204);
      assertThat(toA.withToken(admin.token()).get("/api/v1/flows").status()).isEqualTo(401);
    }
  }
}
