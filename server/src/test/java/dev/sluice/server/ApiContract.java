package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Flows;
import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.RunHandle;
import dev.sluice.api.RunOptions;
import dev.sluice.api.State;
import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStores;
import dev.sluice.wire.RecordBatches;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's contract, route by route and error by error, against a real server on a free port over
 * a real store, with runs recorded by a real engine in the same database. {@link SqliteApiTest} and
 * {@link PostgresApiTest} run it on each database.
 */
abstract class ApiContract {
  private static final Logger log = LoggerFactory.getLogger(ApiContract.class);

  @TempDir Path home;

  RunStore store;
  SluiceServer server;
  Sluice sluice;
  Http http;

  /** The store location the test runs on (a fresh, empty database). */
  abstract String location();

  @BeforeEach
  void start() {
    String location = location();
    store = RunStores.open(location, Map.of());
    server = SluiceServer.builder().store(store).port(0).start();
    http = new Http(server.uri());
    sluice =
        Sluice.builder()
            .executor("threadpool")
            .setting("home", home.toString())
            .setting("store", location)
            .build();
  }

  @AfterEach
  void stop() {
    // Fields stay null when the test was skipped before start (no PostgreSQL).
    if (sluice != null) {
      sluice.close();
    }
    if (server != null) {
      server.close();
    }
    if (store != null) {
      store.close();
    }
  }

  static final Flow<Integer> ETL =
      Flows.named("etl")
          .version("2")
          .returning(
              f -> {
                var n = f.param("n", Integer.class);
                var doubled =
                    f.task(
                        "double",
                        n,
                        x -> {
                          log.info("doubling {}", x);
                          log.info("doubled {}", x * 2);
                          return x * 2;
                        });
                return f.task("add", doubled, x -> x + 1);
              });

  static final Flow<Void> BROKEN =
      Flows.named("broken")
          .define(
              f ->
                  f.action(
                      "explode",
                      () -> {
                        throw new IllegalStateException("the disk is full");
                      }));

  FlowRun etl(int n, String... tags) {
    FlowRun run = sluice.run(ETL, Map.of("n", n), RunOptions.none().withTags(tags));
    flush();
    return run;
  }

  void flush() {
    sluice.runStore().orElseThrow().recorder().flush(Duration.ofSeconds(30));
  }

  // ---- server

  @Test
  void healthAndVersion() {
    Http.Answer health = http.get("/api/v1/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().get("status").asText()).isEqualTo("ok");
    Http.Answer version = http.get("/api/v1/version");
    assertThat(version.json().get("api").asText()).isEqualTo("v1");
    assertThat(version.json().get("version").asText()).isNotBlank().doesNotContain("${");
  }

  @Test
  void theLatestChangeIsWhereAFollowerStarts() {
    etl(1);
    long latest = http.get("/api/v1/changes/latest").json().get("sequence").asLong();
    assertThat(latest).isPositive();
    assertThat(http.get("/api/v1/changes?after=" + latest).json().get("items")).isEmpty();
    assertThat(http.get("/api/v1/changes?after=" + (latest - 1)).json().get("items")).hasSize(1);
  }

  @Test
  void anUnknownRouteIsA404AndAWrongMethodA405InJson() {
    Http.Answer unknown = http.get("/api/v1/nothing-here");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("error").asText()).isEqualTo("not-found");
    assertThat(unknown.json().get("detail").asText()).contains("openapi.json");
    Http.Answer wrong = http.delete("/api/v1/flows");
    assertThat(wrong.status()).isEqualTo(405);
    assertThat(wrong.raw().headers().firstValue("Allow")).hasValue("GET");
  }

  // ---- flows

  @Test
  void flowsListTheRecordedFlowsAndOneFlowHasItsGraph() {
    etl(1);
    JsonNode flows = http.get("/api/v1/flows").json().get("items");
    assertThat(flows).hasSize(1);
    assertThat(flows.get(0).get("name").asText()).isEqualTo("etl");
    assertThat(flows.get(0).get("runs").asLong()).isEqualTo(1);

    JsonNode flow = http.get("/api/v1/flows/etl").json();
    assertThat(flow.get("versions").get(0).get("version").asText()).isEqualTo("2");
    List<String> steps = new ArrayList<>();
    flow.get("versions").get(0).get("steps").forEach(s -> steps.add(s.get("name").asText()));
    assertThat(steps).contains("double", "add");

    Http.Answer missing = http.get("/api/v1/flows/nope");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().get("detail").asText()).contains("nope");
  }

  @Test
  void flowsWithRecentGiveEachFlowsVersionsAndNewestRunsInOneCall() {
    FlowRun first = etl(1);
    FlowRun second = etl(2);
    var unused = sluice.run(BROKEN, Map.of());
    flush();
    JsonNode items = http.get("/api/v1/flows?recent=1").json().get("items");
    JsonNode etl = null;
    for (JsonNode f : items) {
      if (f.get("name").asText().equals("etl")) {
        etl = f;
      }
    }
    assertThat(etl).isNotNull();
    assertThat(etl.get("runs").asLong()).isEqualTo(2);
    assertThat(etl.get("versions").get(0).asText()).isEqualTo("2");
    assertThat(etl.get("recentRuns")).hasSize(1);
    assertThat(etl.get("recentRuns").get(0).get("id").asText()).isEqualTo(second.id().toString());
    assertThat(etl.get("recentRuns").get(0).get("state").get("name").asText())
        .isEqualTo("Completed");
    JsonNode two = http.get("/api/v1/flows?recent=5").json().get("items");
    for (JsonNode f : two) {
      if (f.get("name").asText().equals("etl")) {
        assertThat(f.get("recentRuns")).hasSize(2);
        assertThat(f.get("recentRuns").get(1).get("id").asText()).isEqualTo(first.id().toString());
      }
    }
    // Without recent, the plain summaries.
    assertThat(http.get("/api/v1/flows").json().get("items").get(0).has("recentRuns")).isFalse();
    assertBad("/api/v1/flows?recent=51", "recent");
    assertBad("/api/v1/flows?recent=-1", "recent");
  }

  @Test
  void aFlowNameWithASlashIsOneEncodedPathSegment() {
    Flow<Void> slashed = Flows.named("team/etl").define(f -> f.action("work", () -> {}));
    var unused = sluice.run(slashed, Map.of());
    flush();
    Http.Answer flow = http.get("/api/v1/flows/team%2Fetl");
    assertThat(flow.status()).as(flow.toString()).isEqualTo(200);
    assertThat(flow.json().get("flow").get("name").asText()).isEqualTo("team/etl");
    assertThat(ids("/api/v1/flow-runs?flow=team%2Fetl")).hasSize(1);
    assertThat(http.get("/api/v1/flows/team/etl").status()).isEqualTo(404);
  }

  // ---- flow runs

  @Test
  void theRunListFiltersByFlowStateTagTimeAndText() {
    FlowRun a = etl(1, "nightly");
    FlowRun b = etl(2);
    FlowRun c = sluice.run(BROKEN, Map.of(), RunOptions.none().withName("boom-run"));
    flush();

    assertThat(ids("/api/v1/flow-runs")).containsExactly(c.id(), b.id(), a.id());
    assertThat(ids("/api/v1/flow-runs?sort=start-asc")).containsExactly(a.id(), b.id(), c.id());
    assertThat(ids("/api/v1/flow-runs?flow=etl")).containsExactly(b.id(), a.id());
    assertThat(ids("/api/v1/flow-runs?state=Failed")).containsExactly(c.id());
    assertThat(ids("/api/v1/flow-runs?state=COMPLETED,failed")).hasSize(3);
    assertThat(ids("/api/v1/flow-runs?tag=nightly")).containsExactly(a.id());
    assertThat(ids("/api/v1/flow-runs?q=boom")).containsExactly(c.id());
    assertThat(ids("/api/v1/flow-runs?q=" + a.id().toString().substring(0, 13))).contains(a.id());
    Instant after = Instant.now().plusSeconds(5);
    assertThat(ids("/api/v1/flow-runs?since=" + after)).isEmpty();
    assertThat(ids("/api/v1/flow-runs?until=" + after)).hasSize(3);
  }

  @Test
  void badFiltersAre400sThatNameTheField() {
    assertBad("/api/v1/flow-runs?state=Bogus", "state");
    assertBad("/api/v1/flow-runs?limit=0", "limit");
    assertBad("/api/v1/flow-runs?limit=lots", "limit");
    assertBad("/api/v1/flow-runs?since=yesterday", "since");
    assertBad("/api/v1/flow-runs?sort=sideways", "sort");
    assertBad("/api/v1/flow-runs?cursor=garbage", "cursor");
    assertBad("/api/v1/flow-runs?colour=red", "colour");
    assertBad("/api/v1/flow-runs?idempotencyKey=k", "idempotencyKey");
    assertBad("/api/v1/flow-runs/history?bucket=often", "bucket");
    assertBad(
        "/api/v1/flow-runs/history?from=2026-12-07T00:00:00Z&until=2026-12-06T00:00:00Z", "until");
  }

  private void assertBad(String path, String field) {
    Http.Answer answer = http.get(path);
    assertThat(answer.status()).as(path).isEqualTo(400);
    assertThat(answer.json().get("error").asText()).isEqualTo("bad-request");
    assertThat(answer.json().get("detail").asText()).as(path).contains(field);
    assertThat(answer.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void sqlMetacharactersInFiltersMatchLiterallyAndChangeNothing() {
    FlowRun a = etl(1);
    for (String evil :
        List.of("'; DROP TABLE sluice_flow_runs; --", "%", "_", "\\", "etl' OR '1'='1")) {
      for (String param : List.of("flow", "tag", "q")) {
        Http.Answer answer = http.get("/api/v1/flow-runs?" + param + "=" + Http.q(evil));
        assertThat(answer.status()).as(param + "=" + evil).isEqualTo(200);
        assertThat(answer.json().get("items")).as(param + "=" + evil).isEmpty();
      }
    }
    assertThat(ids("/api/v1/flow-runs")).containsExactly(a.id());
  }

  @Test
  void cursorPagingStaysCorrectWhileRunsAreAdded() {
    Set<UUID> before = new HashSet<>();
    for (int i = 0; i < 7; i++) {
      before.add(etl(i).id());
    }
    List<UUID> seen = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page =
          http.get(
                  "/api/v1/flow-runs?limit=3" + (cursor == null ? "" : "&cursor=" + Http.q(cursor)))
              .json();
      page.get("items").forEach(r -> seen.add(UUID.fromString(r.get("id").asText())));
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
      etl(100); // a newer run arrives between pages
    } while (cursor != null);
    assertThat(seen).containsExactlyInAnyOrderElementsOf(before);
  }

  @Test
  void oneFlowRunHasItsTaskRunsHistoryParametersAndGraph() {
    FlowRun run = etl(20);
    JsonNode detail = http.get("/api/v1/flow-runs/" + run.id()).json();
    assertThat(detail.get("run").get("state").get("name").asText()).isEqualTo("Completed");
    assertThat(detail.get("parameters").get("n").asInt()).isEqualTo(20);
    assertThat(detail.get("flow").get("mermaid").asText()).contains("double");
    List<String> history = new ArrayList<>();
    detail.get("history").forEach(s -> history.add(s.get("name").asText()));
    assertThat(history).startsWith("Pending", "Running").endsWith("Completed");
    assertThat(detail.get("taskRuns")).hasSize(2);

    JsonNode tasks = http.get("/api/v1/flow-runs/" + run.id() + "/task-runs").json().get("items");
    assertThat(tasks).hasSize(2);
    String taskId = tasks.get(0).get("id").asText();
    JsonNode task = http.get("/api/v1/task-runs/" + taskId).json();
    assertThat(task.get("name").asText()).isEqualTo(tasks.get(0).get("name").asText());
    assertThat(task.get("history").size()).isGreaterThanOrEqualTo(2);

    assertThat(http.get("/api/v1/flow-runs/" + UUID.randomUUID()).status()).isEqualTo(404);
    assertThat(http.get("/api/v1/flow-runs/not-a-uuid").status()).isEqualTo(404);
    assertThat(http.get("/api/v1/task-runs/" + UUID.randomUUID()).status()).isEqualTo(404);
  }

  @Test
  void aFailedRunShowsItsErrorWithoutLeakingServerInternals() {
    FlowRun run = sluice.run(BROKEN, Map.of());
    flush();
    JsonNode task = http.get("/api/v1/flow-runs/" + run.id()).json().get("taskRuns").get(0);
    assertThat(task.get("state").get("name").asText()).isEqualTo("Failed");
    assertThat(task.get("error").get("type").asText())
        .isEqualTo(IllegalStateException.class.getName());
    assertThat(task.get("error").get("message").asText()).isEqualTo("the disk is full");
  }

  @Test
  void logsArePagedBySequence() {
    FlowRun run = etl(3);
    JsonNode all = http.get("/api/v1/flow-runs/" + run.id() + "/logs").json();
    List<String> messages = new ArrayList<>();
    all.get("items").forEach(l -> messages.add(l.get("line").get("message").asText()));
    assertThat(messages).contains("doubling 3");
    long first = all.get("items").get(0).get("sequence").asLong();
    JsonNode rest = http.get("/api/v1/flow-runs/" + run.id() + "/logs?after=" + first).json();
    assertThat(rest.get("items").size()).isEqualTo(all.get("items").size() - 1);
    JsonNode one = http.get("/api/v1/flow-runs/" + run.id() + "/logs?limit=1").json();
    assertThat(one.get("items")).hasSize(1);
    assertThat(one.get("next").asLong()).isEqualTo(first);
    assertThat(http.get("/api/v1/flow-runs/" + UUID.randomUUID() + "/logs").status())
        .isEqualTo(404);
  }

  @Test
  void runCountsPerBucketAndState() {
    etl(1);
    etl(2);
    sluice.run(BROKEN, Map.of());
    flush();
    Instant now = Instant.now();
    JsonNode counts =
        http.get(
                "/api/v1/flow-runs/history?from="
                    + now.minusSeconds(3600)
                    + "&until="
                    + now.plusSeconds(60)
                    + "&bucket=PT10M")
            .json();
    JsonNode buckets = counts.get("buckets");
    assertThat(buckets).hasSize(7);
    long completed = 0;
    long failed = 0;
    for (JsonNode b : buckets) {
      completed += b.get("counts").path("Completed").asLong();
      failed += b.get("counts").path("Failed").asLong();
    }
    assertThat(completed).isEqualTo(2);
    assertThat(failed).isEqualTo(1);
    JsonNode etlOnly =
        http.get("/api/v1/flow-runs/history?flow=etl&bucket=86400&from=" + now.minusSeconds(60))
            .json()
            .get("buckets");
    assertThat(etlOnly.get(0).get("counts").get("Completed").asLong()).isEqualTo(2);
  }

  // ---- cancel

  @Test
  void cancellingARunningRunStopsItAndAFinishedOneIsAConflict() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    Flow<Void> slow =
        Flows.named("slow")
            .define(
                f ->
                    f.action(
                        "wait",
                        () -> {
                          started.countDown();
                          Thread.sleep(60_000);
                        }));
    RunHandle handle = sluice.start(slow, Map.of());
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    flush();

    Http.Answer cancel = http.post("/api/v1/flow-runs/" + handle.id() + "/cancel", "");
    assertThat(cancel.status()).as(cancel.toString()).isEqualTo(202);
    assertThat(cancel.json().get("outcome").asText()).isEqualTo("REQUESTED");
    FlowRun run = handle.await();
    assertThat(run.state().name()).isEqualTo("Cancelled");
    flush();

    Http.Answer again = http.post("/api/v1/flow-runs/" + handle.id() + "/cancel", "");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().get("error").asText()).isEqualTo("conflict");
    assertThat(http.post("/api/v1/flow-runs/" + UUID.randomUUID() + "/cancel", "").status())
        .isEqualTo(404);
  }

  // ---- recording through the API

  @Test
  void malformedUnknownAndHugeBodiesAre4xxAndStoreNothing() {
    etl(1);
    List<UUID> before = ids("/api/v1/flow-runs");
    Http.Answer notJson = http.post("/api/v1/records", "{not json");
    assertThat(notJson.status()).isEqualTo(400);
    Http.Answer unknownField =
        http.post("/api/v1/records", "{\"source\":\"s\",\"sequence\":1,\"colour\":\"red\"}");
    assertThat(unknownField.status()).isEqualTo(400);
    assertThat(unknownField.json().get("detail").asText()).contains("colour");
    Http.Answer badRecord =
        http.post(
            "/api/v1/records",
            "{\"source\":\"s\",\"sequence\":1,\"records\":[{\"kind\":\"flowRunState\",\"record\":{\"flowRunId\":\"x\"}}]}");
    assertThat(badRecord.status()).isEqualTo(400);
    assertThat(badRecord.body()).doesNotContain("dev.sluice").doesNotContain("\tat ");
    byte[] huge = new byte[9 * 1024 * 1024];
    java.util.Arrays.fill(huge, (byte) ' ');
    Http.Answer tooBig = http.post("/api/v1/records", huge);
    assertThat(tooBig.status()).isEqualTo(413);
    Http.Answer wrongType =
        http.send(
            http.request("/api/v1/records")
                .header("Content-Type", "text/plain")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("x")));
    assertThat(wrongType.status()).isEqualTo(415);
    assertThat(ids("/api/v1/flow-runs")).isEqualTo(before);
  }

  @Test
  void aRecordBatchSentTwiceIsStoredOnce() throws Exception {
    UUID id = UUID.randomUUID();
    Instant at = Instant.parse("2026-12-07T10:00:00Z");
    List<Object> records =
        List.of(
            new FlowRunStart(
                id,
                FlowInfo.of(ETL),
                "{\"n\":1}",
                null,
                null,
                at,
                new RunOwner("elsewhere", 7, at),
                "remote",
                Set.of("r"),
                null),
            new FlowRunEvent(id, "etl", null, null, State.PENDING, at, 1),
            new FlowRunEvent(id, "etl", null, State.PENDING, State.RUNNING, at.plusMillis(1), 1),
            new LogLine(id, null, at.plusMillis(2), "INFO", "l", "t", "one", null, Map.of()),
            new LogLine(id, null, at.plusMillis(3), "INFO", "l", "t", "two", null, Map.of()),
            new FlowRunEvent(id, "etl", null, State.RUNNING, State.COMPLETED, at.plusMillis(4), 1));
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    RecordBatches.write(body, "test-source", 1, records, List.of(id));
    Http.Answer first = http.post("/api/v1/records", body.toByteArray());
    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    assertThat(http.post("/api/v1/records", body.toByteArray()).status()).isEqualTo(200);

    JsonNode detail = http.get("/api/v1/flow-runs/" + id).json();
    assertThat(detail.get("run").get("state").get("name").asText()).isEqualTo("Completed");
    // The start records Pending itself; then the three events: each once, though sent twice.
    assertThat(detail.get("history")).hasSize(4);
    assertThat(detail.get("run").get("runName").asText()).isEqualTo("remote");
    assertThat(http.get("/api/v1/flow-runs/" + id + "/logs").json().get("items")).hasSize(2);
  }

  // ---- streams

  @Test
  void theLogStreamResumesFromLastEventId() throws Exception {
    FlowRun run = etl(4);
    List<Sse.Event> all = Sse.read(http, "/api/v1/flow-runs/" + run.id() + "/logs/stream", null);
    assertThat(all).isNotEmpty();
    assertThat(all.get(all.size() - 1).name()).isEqualTo("end");
    List<Sse.Event> lines = all.stream().filter(e -> e.name().equals("log")).toList();
    assertThat(lines.size()).isGreaterThan(1);
    String firstId = lines.get(0).id();
    List<Sse.Event> resumed =
        Sse.read(http, "/api/v1/flow-runs/" + run.id() + "/logs/stream", firstId);
    assertThat(resumed.stream().filter(e -> e.name().equals("log")).map(Sse.Event::id).toList())
        .isEqualTo(lines.subList(1, lines.size()).stream().map(Sse.Event::id).toList());
  }

  @Test
  void theLogStreamFollowsARunningRunLive() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    Flow<Void> live =
        Flows.named("live")
            .define(
                f ->
                    f.action(
                        "talk",
                        () -> {
                          log.info("before");
                          go.await(30, TimeUnit.SECONDS);
                          log.info("after");
                        }));
    RunHandle handle = sluice.start(live, Map.of());
    flush(); // the run is recorded: its stream is found
    List<String> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread reader =
        Thread.ofVirtual()
            .start(
                () ->
                    Sse.read(
                        http,
                        "/api/v1/flow-runs/" + handle.id() + "/logs/stream",
                        null,
                        e -> {
                          messages.add(e.name() + ":" + e.data());
                          if (e.data().contains("\"before\"")) {
                            go.countDown();
                          }
                        }));
    var unused = handle.await();
    reader.join(Duration.ofSeconds(30));
    assertThat(String.join("\n", messages)).contains("\"before\"").contains("\"after\"");
    assertThat(messages.get(messages.size() - 1)).startsWith("end:");
  }

  @Test
  void theChangeStreamTellsOfRunsAsTheyChangeAndResumes() throws Exception {
    FlowRun before = etl(1);
    long latest = http.get("/api/v1/changes/latest").json().get("sequence").asLong();
    List<Sse.Event> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    CountDownLatch sawNew = new CountDownLatch(1);
    CountDownLatch opened = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicReference<UUID> newRun =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    Sse.read(
                        http,
                        "/api/v1/flow-runs/stream",
                        null,
                        e -> {
                          if (e.name().equals("comment")) {
                            opened.countDown(); // the stream's first line: where it starts
                            return;
                          }
                          events.add(e);
                          UUID id = newRun.get();
                          if (id != null && e.data().contains(id.toString())) {
                            sawNew.countDown();
                            throw new StopReading();
                          }
                        });
                  } catch (StopReading done) {
                    // the test saw what it waited for
                  }
                });
    assertThat(opened.await(60, TimeUnit.SECONDS)).isTrue(); // it starts at "now"
    FlowRun after = etl(2);
    newRun.set(after.id());
    assertThat(sawNew.await(60, TimeUnit.SECONDS)).as("a change event for the new run").isTrue();
    reader.join(Duration.ofSeconds(10));
    assertThat(events).allMatch(e -> Long.parseLong(e.id()) > latest);
    assertThat(events).noneMatch(e -> e.data().contains(before.id().toString()));

    // Resuming from an id: the stream replays what came after it, then waits for more.
    try (var client = java.net.http.HttpClient.newHttpClient()) {
      var response =
          client.send(
              http.request("/api/v1/flow-runs/stream")
                  .header("Last-Event-ID", String.valueOf(latest))
                  .GET()
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofInputStream());
      assertThat(response.statusCode()).isEqualTo(200);
      StringBuilder seen = new StringBuilder();
      try (var in = response.body()) {
        byte[] chunk = new byte[8192];
        while (!seen.toString().contains(after.id().toString())) {
          int n = in.read(chunk);
          if (n < 0) {
            break;
          }
          seen.append(new String(chunk, 0, n, StandardCharsets.UTF_8));
        }
      }
      assertThat(seen.toString()).contains("event: change").contains(after.id().toString());
    }
    assertThat(http.get("/api/v1/flow-runs/stream?after=x").status()).isEqualTo(400);
  }

  /** Ends a stream read from inside its event callback. */
  private static final class StopReading extends RuntimeException {
    StopReading() {
      super(null, null, false, false);
    }
  }

  // ---- helpers

  List<UUID> ids(String path) {
    Http.Answer answer = http.get(path);
    assertThat(answer.status()).as(path + " → " + answer).isEqualTo(200);
    List<UUID> ids = new ArrayList<>();
    answer.json().get("items").forEach(r -> ids.add(UUID.fromString(r.get("id").asText())));
    return ids;
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
