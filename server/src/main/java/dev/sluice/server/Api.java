package dev.sluice.server;

import dev.sluice.api.store.ApiToken;
import dev.sluice.api.store.CancelOutcome;
import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.FlowRunDetail;
import dev.sluice.api.store.FlowRunPage;
import dev.sluice.api.store.FlowRunQuery;
import dev.sluice.api.store.FlowSummary;
import dev.sluice.api.store.IngestBatch;
import dev.sluice.api.store.RunCountQuery;
import dev.sluice.api.store.RunHistory;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.StoredLogLine;
import dev.sluice.wire.RecordBatches;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The routes of {@code /api/v1} (docs/server.md lists them, {@code openapi.json} documents them):
 * each reads or writes through the run store, never through engine internals.
 */
final class Api {
  static final String BASE = "/api/v1";
  private static final Duration INGEST_TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_RECENT = 50;
  private static final List<String> RUN_LIST_PARAMETERS =
      List.of(
          "flow",
          "state",
          "tag",
          "since",
          "until",
          "q",
          "sort",
          "limit",
          "cursor",
          "idempotencyKey");

  private final RunStore store;
  private final RunHistory history;
  private final Streams streams;
  private final String version;
  private final byte[] openApi;

  Api(RunStore store, Streams streams, String version, byte[] openApi) {
    this.store = store;
    this.history = store.history();
    this.streams = streams;
    this.version = version;
    this.openApi = openApi.clone();
  }

  Router router() {
    Router r = new Router();
    r.add("GET", BASE + "/health", null, this::health);
    r.add("GET", BASE + "/version", Scope.READ, this::version);
    r.add("GET", BASE + "/openapi.json", null, this::openApi);
    r.add("GET", BASE + "/flows", Scope.READ, this::flows);
    r.add("GET", BASE + "/flows/{name}", Scope.READ, this::flow);
    r.add("GET", BASE + "/flow-runs", Scope.READ, this::flowRuns);
    r.add("GET", BASE + "/flow-runs/history", Scope.READ, this::runCounts);
    r.add("GET", BASE + "/flow-runs/stream", Scope.READ, streams::changes);
    r.add("GET", BASE + "/flow-runs/{id}", Scope.READ, this::flowRun);
    r.add("GET", BASE + "/flow-runs/{id}/task-runs", Scope.READ, this::taskRuns);
    r.add("GET", BASE + "/flow-runs/{id}/logs", Scope.READ, this::logs);
    r.add("GET", BASE + "/flow-runs/{id}/logs/stream", Scope.READ, streams::logs);
    r.add("POST", BASE + "/flow-runs/{id}/cancel", Scope.RUN, this::cancel);
    r.add("GET", BASE + "/task-runs/{id}", Scope.READ, this::taskRun);
    r.add("GET", BASE + "/changes", Scope.READ, this::changes);
    r.add("GET", BASE + "/changes/latest", Scope.READ, this::latestChange);
    r.add("POST", BASE + "/records", Scope.AGENT, this::record);
    r.add("GET", BASE + "/tokens", Scope.ADMIN, this::tokens);
    r.add("POST", BASE + "/tokens", Scope.ADMIN, this::createToken);
    r.add("DELETE", BASE + "/tokens/{name}", Scope.ADMIN, this::revokeToken);
    return r;
  }

  private void health(Exchange x) {
    x.onlyQuery(List.of());
    var unused = history.changesAfter(Long.MAX_VALUE - 1, 1);
    x.json(200, Map.of("status", "ok", "store", storeKind()));
  }

  private String storeKind() {
    return store.location().startsWith("jdbc:postgresql:") ? "postgresql" : "sqlite";
  }

  private void version(Exchange x) {
    x.onlyQuery(List.of());
    x.json(200, Map.of("version", version, "api", "v1"));
  }

  private void openApi(Exchange x) {
    x.send(200, Exchange.JSON, openApi);
  }

  private void flows(Exchange x) {
    x.onlyQuery(List.of("recent"));
    int recent = x.intQuery("recent", 0, 0, MAX_RECENT);
    List<FlowSummary> flows = history.flows();
    if (recent == 0) {
      x.json(200, Map.of("items", flows));
      return;
    }
    // The flows page in one call: each flow with its versions and latest runs (its sparkline).
    List<Map<String, @Nullable Object>> items = new ArrayList<>(flows.size());
    for (FlowSummary f : flows) {
      Map<String, @Nullable Object> item = new LinkedHashMap<>();
      item.put("name", f.name());
      item.put("version", f.version());
      item.put("description", f.description());
      item.put("steps", f.steps());
      item.put("runs", f.runs());
      item.put("lastRunAt", f.lastRunAt());
      item.put("lastState", f.lastState());
      item.put("versions", history.flowVersions(f.name()).stream().map(FlowInfo::version).toList());
      item.put("recentRuns", history.flowRuns(FlowRunQuery.recent(recent).withFlowName(f.name())));
      items.add(item);
    }
    x.json(200, Map.of("items", items));
  }

  private void flow(Exchange x) {
    x.onlyQuery(List.of());
    String name = x.path("name");
    List<FlowInfo> versions = history.flowVersions(name);
    FlowSummary summary =
        history.flows().stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
    if (versions.isEmpty() || summary == null) {
      throw ApiError.notFound("no flow named '" + name + "' is recorded");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("flow", summary);
    body.put("versions", versions);
    x.json(200, body);
  }

  private void flowRuns(Exchange x) {
    x.onlyQuery(RUN_LIST_PARAMETERS);
    FlowRunQuery query = runQuery(x);
    Optional<String> key = x.query("idempotencyKey");
    if (key.isPresent()) {
      if (query.flowName() == null) {
        throw ApiError.badRequest(
            "idempotencyKey: give the flow too (flow=NAME); keys are per flow");
      }
      x.json(
          200,
          new FlowRunPage(
              history.flowRunByIdempotencyKey(query.flowName(), key.get()).stream().toList(),
              null));
      return;
    }
    FlowRunPage page;
    try {
      page = history.flowRunPage(query);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("cursor: " + e.getMessage());
    }
    x.json(200, page);
  }

  private static FlowRunQuery runQuery(Exchange x) {
    Set<String> states = new HashSet<>();
    for (String s : x.queryAll("state")) {
      for (String one : s.split(",")) {
        if (!one.isBlank()) {
          states.add(one.strip());
        }
      }
    }
    for (String s : states) {
      if (!StateNames.isKnown(s)) {
        throw ApiError.badRequest(
            "state: '" + s + "' is not a state name or type; known: " + StateNames.list());
      }
    }
    Set<String> tags = new HashSet<>();
    for (String t : x.queryAll("tag")) {
      if (!t.isBlank()) {
        tags.add(t.strip());
      }
    }
    boolean oldestFirst =
        switch (x.query("sort").orElse("start-desc")) {
          case "start-desc" -> false;
          case "start-asc" -> true;
          default ->
              throw ApiError.badRequest(
                  "sort: '"
                      + x.query("sort").orElse("")
                      + "' is not an order; use start-desc or start-asc");
        };
    Instant since = x.instantQuery("since");
    Instant until = x.instantQuery("until");
    if (since != null && until != null && !until.isAfter(since)) {
      throw ApiError.badRequest("until (" + until + ") must be after since (" + since + ")");
    }
    return FlowRunQuery.recent(x.intQuery("limit", 200, 1, FlowRunQuery.MAX_LIMIT))
        .withFlowName(x.query("flow").orElse(null))
        .withStates(states)
        .withTags(tags)
        .withSince(since)
        .withUntil(until)
        .withText(x.query("q").orElse(null))
        .withOldestFirst(oldestFirst)
        .withCursor(x.query("cursor").orElse(null));
  }

  private void runCounts(Exchange x) {
    x.onlyQuery(List.of("from", "until", "bucket", "flow", "tag"));
    Instant until = Optional.ofNullable(x.instantQuery("until")).orElse(Instant.now());
    Instant from =
        Optional.ofNullable(x.instantQuery("from")).orElse(until.minus(24, ChronoUnit.HOURS));
    Duration bucket = x.query("bucket").map(Api::bucket).orElse(Duration.ofHours(1));
    Set<String> tags = new HashSet<>(x.queryAll("tag"));
    RunCountQuery query;
    try {
      query = new RunCountQuery(from, until, bucket, x.query("flow").orElse(null), tags);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("from/until/bucket: " + e.getMessage());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("from", from);
    body.put("until", until);
    body.put("bucket", bucket);
    body.put("buckets", history.runCounts(query));
    x.json(200, body);
  }

  private static Duration bucket(String text) {
    try {
      return text.startsWith("P") || text.startsWith("p")
          ? Duration.parse(text)
          : Duration.ofSeconds(Long.parseLong(text));
    } catch (NumberFormatException | DateTimeParseException e) {
      throw ApiError.badRequest(
          "bucket: expected seconds or an ISO-8601 duration such as PT1H, got '" + text + "'");
    }
  }

  private FlowRunDetail detail(Exchange x) {
    UUID id = x.pathId("id", "flow run");
    return history.flowRun(id).orElseThrow(() -> ApiError.notFound("no flow run has the id " + id));
  }

  private void flowRun(Exchange x) {
    x.onlyQuery(List.of());
    x.json(200, detail(x));
  }

  private void taskRuns(Exchange x) {
    x.onlyQuery(List.of());
    x.json(200, Map.of("items", detail(x).taskRuns()));
  }

  private void taskRun(Exchange x) {
    x.onlyQuery(List.of());
    UUID id = x.pathId("id", "task run");
    x.json(
        200,
        history.taskRun(id).orElseThrow(() -> ApiError.notFound("no task run has the id " + id)));
  }

  private void logs(Exchange x) {
    x.onlyQuery(List.of("after", "limit"));
    UUID id = x.pathId("id", "flow run");
    long after = x.longQuery("after", 0);
    int limit = x.intQuery("limit", 1000, 1, 10_000);
    List<StoredLogLine> lines = history.logs(id, after, limit);
    // Lines prove the run exists; reading the run (all its task runs) only to say 404 when none.
    if (lines.isEmpty() && history.flowRun(id).isEmpty()) {
      throw ApiError.notFound("no flow run has the id " + id);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("items", lines);
    body.put("next", lines.isEmpty() ? after : lines.get(lines.size() - 1).sequence());
    x.json(200, body);
  }

  private void changes(Exchange x) {
    x.onlyQuery(List.of("after", "limit"));
    long after = x.longQuery("after", 0);
    int limit = x.intQuery("limit", 1000, 1, 10_000);
    x.json(200, Map.of("items", history.changesAfter(after, limit)));
  }

  private void latestChange(Exchange x) {
    x.onlyQuery(List.of());
    x.json(200, Map.of("sequence", history.latestChangeSequence()));
  }

  private void cancel(Exchange x) {
    x.onlyQuery(List.of());
    UUID id = x.pathId("id", "flow run");
    CancelOutcome outcome =
        store.requestCancel(id, "cancelled through the server (" + x.principal.name() + ")");
    switch (outcome) {
      case NOT_FOUND -> throw ApiError.notFound("no flow run has the id " + id);
      case ALREADY_FINAL ->
          throw ApiError.conflict(
              "flow run "
                  + id
                  + " has already ended ("
                  + history.flowRun(id).map(d -> d.run().state().name()).orElse("final")
                  + "); only an unfinished run can be cancelled");
      case REQUESTED, CANCELLED -> x.json(202, Map.of("outcome", outcome.name()));
    }
  }

  private void record(Exchange x) throws IOException {
    x.onlyQuery(List.of());
    byte[] body = x.body();
    RecordBatches.Decoded decoded;
    try (InputStream in = new ByteArrayInputStream(body)) {
      decoded = RecordBatches.read(in);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw Exchange.badJson(e);
    }
    IngestBatch batch = decoded.batch();
    if (batch != null) {
      store.recorder().ingest(batch);
      if (!store.recorder().flush(INGEST_TIMEOUT)) {
        throw ApiError.unavailable(
            "the run store did not commit the batch within "
                + INGEST_TIMEOUT.toSeconds()
                + " s; send it again (a repeat is stored once)");
      }
    }
    Set<UUID> cancels =
        decoded.active().isEmpty() ? Set.of() : store.cancelRequested(decoded.active());
    x.json(200, Map.of("cancelRequested", cancels));
  }

  private void tokens(Exchange x) {
    x.onlyQuery(List.of());
    x.json(200, Map.of("items", store.tokens().list().stream().map(Api::shown).toList()));
  }

  private static Map<String, @Nullable Object> shown(ApiToken t) {
    Map<String, @Nullable Object> m = new LinkedHashMap<>();
    m.put("name", t.name());
    m.put("scope", t.scope());
    m.put("createdAt", t.createdAt());
    m.put("lastUsedAt", t.lastUsedAt());
    return m;
  }

  /** The body of {@code POST /tokens}. */
  record TokenRequest(String name, String scope) {}

  private void createToken(Exchange x) {
    x.onlyQuery(List.of());
    TokenRequest request = x.body(TokenRequest.class);
    if (request.name() == null || request.scope() == null) {
      throw ApiError.badRequest(
          "a token needs its name and scope: {\"name\":\"ci\",\"scope\":\"read\"}");
    }
    Scope scope;
    try {
      scope = Scope.of(request.scope());
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("scope: " + e.getMessage());
    }
    if (store.tokens().list().stream().anyMatch(t -> t.name().equals(request.name()))) {
      throw ApiError.conflict(
          "a token named '" + request.name() + "' exists; revoke it first or pick another name");
    }
    ServerTokens.Created created = ServerTokens.create(store.tokens(), request.name(), scope);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", created.name());
    body.put("scope", created.scope().word());
    body.put("token", created.token());
    x.json(201, body);
  }

  private void revokeToken(Exchange x) {
    x.onlyQuery(List.of());
    String name = x.path("name");
    if (!store.tokens().revoke(name)) {
      throw ApiError.notFound("no token is named '" + name + "'");
    }
    x.noContent();
  }
}
