package dev.sluice.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.sluice.api.settings.Settings;
import dev.sluice.api.store.CancelOutcome;
import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.FlowRunDetail;
import dev.sluice.api.store.FlowRunPage;
import dev.sluice.api.store.FlowRunQuery;
import dev.sluice.api.store.FlowRunSummary;
import dev.sluice.api.store.FlowSummary;
import dev.sluice.api.store.RunChange;
import dev.sluice.api.store.RunCountBucket;
import dev.sluice.api.store.RunCountQuery;
import dev.sluice.api.store.StoredLogLine;
import dev.sluice.api.store.TaskRunDetail;
import dev.sluice.wire.ApiJson;
import dev.sluice.wire.RecordBatches;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * The Java client of a Sluice server's HTTP API ({@code /api/v1}, see docs/server.md): one method
 * per route, answers as the records of {@code dev.sluice.api.store}. Thread-safe; close it to
 * release its connections.
 *
 * {@snippet :
 * try (SluiceClient client =
 *     SluiceClient.builder().url("http://127.0.0.1:4200").token(System.getenv("TOKEN")).build()) {
 *   FlowRunPage failed = client.flowRuns(FlowRunQuery.recent(20).withStates(Set.of("Failed")));
 *   failed.items().forEach(run -> System.out.println(run.id() + " " + run.flowName()));
 * }
 * }
 *
 * <p>An error answer throws {@link SluiceApiException} (its status, the server's kind of error and
 * its explanation); a server that cannot be reached or does not answer within the timeout throws
 * {@link UncheckedIOException} naming the URL. The token travels only in the {@code Authorization}
 * header: never in a URL, a log line or an exception's message.
 */
public final class SluiceClient implements AutoCloseable {
  /**
   * Reads answers, tolerating properties this client does not know: a newer server may add some.
   */
  private static final ObjectReader READER =
      ApiJson.reader().without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private static final String JSON = "application/json; charset=utf-8";

  private final String url;
  private final @Nullable String token;
  private final Duration timeout;
  private final HttpClient http;

  private SluiceClient(Builder builder) {
    this.url = ApiUrl.normalise(Objects.requireNonNull(builder.url, "the server's url"));
    this.token = builder.token;
    this.timeout = builder.timeout;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            // A redirect is not followed: the token is for this server only.
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** A builder; {@link Builder#url} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A client of the server the settings name: {@code api.url}, with {@code api.token} and {@code
   * api.timeout} ({@link ClientSettings}).
   *
   * @throws IllegalArgumentException when {@code api.url} is not set or a value is bad
   */
  public static SluiceClient fromSettings(Settings settings) {
    String url =
        settings
            .find(ClientSettings.URL)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "api.url is not set: set it to the Sluice server's URL, e.g."
                            + " SLUICE_API_URL=http://127.0.0.1:4200 (sluice server start prints"
                            + " it)"));
    return builder()
        .url(url)
        .token(settings.find(ClientSettings.TOKEN).orElse(null))
        .timeout(settings.get(ClientSettings.TIMEOUT))
        .build();
  }

  /** The API's base URL, e.g. {@code http://127.0.0.1:4200/api/v1}. */
  public String url() {
    return url;
  }

  /** How long one request may take. */
  public Duration timeout() {
    return timeout;
  }

  // ---- the routes

  /** {@code GET /health}: whether the server can read its store. */
  public Health health() {
    return get("/health", Health.class);
  }

  /** {@code GET /version}: the server's version and the API's. */
  public Version version() {
    return get("/version", Version.class);
  }

  /** {@code GET /flows}: every recorded flow. */
  public List<FlowSummary> flows() {
    return get("/flows", FlowItems.class).items();
  }

  /**
   * {@code GET /flows/{name}}: a flow and its recorded versions, newest first; empty if unknown.
   */
  public Optional<FlowDetail> flow(String name) {
    return find("/flows" + Query.path(name), FlowDetail.class);
  }

  /**
   * {@code GET /flow-runs}: a page of the runs {@code query} selects. Every field of the query is
   * sent; its id prefix is sent as the search text {@code q} (which also matches run names), and
   * the runs whose id does not start with it are left out of the page, so a page may hold fewer
   * runs than the limit while its cursor goes on.
   */
  public FlowRunPage flowRuns(FlowRunQuery query) {
    String idPrefix = query.idPrefix();
    Query q =
        new Query()
            .add("flow", query.flowName())
            .addAll("state", query.states())
            .addAll("tag", query.tags())
            .add("since", query.since())
            .add("until", query.until())
            .add("q", query.text() != null ? query.text() : idPrefix)
            .add("sort", query.oldestFirst() ? "start-asc" : "start-desc")
            .add("limit", query.limit())
            .add("cursor", query.cursor());
    FlowRunPage page = get("/flow-runs" + q, FlowRunPage.class);
    if (idPrefix == null) {
      return page;
    }
    return new FlowRunPage(
        page.items().stream().filter(r -> r.id().toString().startsWith(idPrefix)).toList(),
        page.nextCursor());
  }

  /**
   * {@code GET /flow-runs?flow=..&idempotencyKey=..}: the run of flow {@code flowName} started with
   * idempotency key {@code key}, if one was recorded.
   */
  public Optional<FlowRunSummary> flowRunByIdempotencyKey(String flowName, String key) {
    Query q = new Query().add("flow", flowName).add("idempotencyKey", key).add("limit", 1);
    return get("/flow-runs" + q, FlowRunPage.class).items().stream().findFirst();
  }

  /** {@code GET /flow-runs/{id}}: a flow run with its task runs and history; empty if unknown. */
  public Optional<FlowRunDetail> flowRun(UUID flowRunId) {
    return find("/flow-runs/" + flowRunId, FlowRunDetail.class);
  }

  /**
   * {@code GET /flow-runs/{id}/task-runs}: a flow run's task runs.
   *
   * @throws SluiceApiException 404 when no flow run has that id
   */
  public List<TaskRunDetail> taskRuns(UUID flowRunId) {
    return get("/flow-runs/" + flowRunId + "/task-runs", TaskRunItems.class).items();
  }

  /** {@code GET /task-runs/{id}}: a task run with its history; empty if unknown. */
  public Optional<TaskRunDetail> taskRun(UUID taskRunId) {
    return find("/task-runs/" + taskRunId, TaskRunDetail.class);
  }

  /**
   * {@code GET /flow-runs/{id}/logs}: a flow run's log lines after sequence {@code after} (0 for
   * the first), at most {@code limit} (1 to 10000).
   *
   * @throws SluiceApiException 404 when no flow run has that id
   */
  public LogPage logs(UUID flowRunId, long after, int limit) {
    Query q = new Query().add("after", after).add("limit", limit);
    return get("/flow-runs/" + flowRunId + "/logs" + q, LogPage.class);
  }

  /** {@code GET /flow-runs/history}: how many runs started in each bucket, by state. */
  public List<RunCountBucket> runCounts(RunCountQuery query) {
    Query q =
        new Query()
            .add("from", query.from())
            .add("until", query.until())
            .add("bucket", query.bucket())
            .add("flow", query.flowName())
            .addAll("tag", query.tags());
    return get("/flow-runs/history" + q, Buckets.class).buckets();
  }

  /**
   * {@code GET /changes}: the change feed's entries after sequence {@code after} (0 for all), at
   * most {@code limit}, in commit order.
   */
  public List<RunChange> changes(long after, int limit) {
    Query q = new Query().add("after", after).add("limit", limit);
    return get("/changes" + q, ChangeItems.class).items();
  }

  /**
   * {@code GET /changes/latest}: the sequence of the change feed's newest entry, 0 when it is empty
   * — where to start following only what changes from now on.
   */
  public long latestChangeSequence() {
    return get("/changes/latest", Latest.class).sequence();
  }

  /**
   * {@code POST /flow-runs/{id}/cancel}: asks for a flow run to be cancelled (the server records
   * the reason, naming the token that asked): {@link CancelOutcome#REQUESTED} when the process
   * running it is told, {@link CancelOutcome#CANCELLED} when the server marked it (its process is
   * gone), {@link CancelOutcome#ALREADY_FINAL} when it had ended (409), {@link
   * CancelOutcome#NOT_FOUND} when no run has that id (404).
   */
  public CancelOutcome cancel(UUID flowRunId) {
    String path = "/flow-runs/" + flowRunId + "/cancel";
    Response r = send("POST", path, null);
    if (r.status == 409) {
      return CancelOutcome.ALREADY_FINAL;
    }
    if (r.status == 404) {
      return CancelOutcome.NOT_FOUND;
    }
    Outcome outcome = read(check(r), path, Outcome.class);
    return CancelOutcome.valueOf(outcome.outcome());
  }

  /**
   * {@code POST /records}: records {@code records} (each a {@code FlowRunStart}, {@code
   * FlowRunEvent}, {@code TaskRunEvent} or {@code LogLine}) as batch {@code sequence} of {@code
   * source}; the server answers once the batch is committed, and stores a batch once however often
   * it is sent (a repeat answers the same and stores nothing). {@code active} names the sender's
   * unfinished flow runs; the answer says which of them have a cancel request. Sequence 0 with no
   * records only asks that.
   */
  public RecordAnswer record(
      String source, long sequence, List<?> records, Collection<UUID> active) {
    return complete(recordAsync(source, sequence, records, active));
  }

  /** {@link #record}, answered later; the future fails as {@link #record} throws. */
  CompletableFuture<RecordAnswer> recordAsync(
      String source, long sequence, List<?> records, Collection<UUID> active) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + records.size() * 256);
    try {
      RecordBatches.write(out, source, sequence, records, active);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a record batch: " + e.getMessage(), e);
    }
    String path = "/records";
    return sendAsync("POST", path, out.toByteArray())
        .thenApply(r -> read(check(r), path, RecordAnswer.class));
  }

  /** {@code GET /tokens}: the server's API tokens (never the tokens themselves). */
  public List<TokenInfo> tokens() {
    return get("/tokens", TokenItems.class).items();
  }

  /**
   * {@code POST /tokens}: creates a token; the answer is the only time it is shown.
   *
   * @param scope {@code read}, {@code run}, {@code agent} or {@code admin}
   * @throws SluiceApiException 409 when a token has that name
   */
  public CreatedToken createToken(String name, String scope) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("scope", scope);
    Response r = send("POST", "/tokens", json(body));
    return read(check(r), "/tokens", CreatedToken.class);
  }

  /**
   * {@code DELETE /tokens/{name}}: revokes a token.
   *
   * @return false when there was none of that name
   */
  public boolean revokeToken(String name) {
    Response r = send("DELETE", "/tokens" + Query.path(name), null);
    if (r.status == 404) {
      return false;
    }
    check(r);
    return true;
  }

  /** Releases the connections; requests still going fail. */
  @Override
  public void close() {
    http.shutdownNow();
  }

  /** Names the server; never the token. */
  @Override
  public String toString() {
    return "SluiceClient[" + url + (token == null ? "" : ", with a token") + "]";
  }

  // ---- answers

  /**
   * {@code GET /health}.
   *
   * @param status {@code ok}
   * @param store the kind of store the server serves, {@code sqlite} or {@code postgresql}
   */
  public record Health(String status, @Nullable String store) {}

  /**
   * {@code GET /version}.
   *
   * @param version the server's version, e.g. {@code 0.1.0-SNAPSHOT}
   * @param api the API's, {@code v1}
   */
  public record Version(String version, String api) {}

  /**
   * {@code GET /flows/{name}}.
   *
   * @param flow the flow
   * @param versions its recorded versions, newest first
   */
  public record FlowDetail(FlowSummary flow, List<FlowInfo> versions) {
    public FlowDetail {
      versions = List.copyOf(versions);
    }
  }

  /**
   * {@code GET /flow-runs/{id}/logs}.
   *
   * @param items the lines, in the order they were logged
   * @param next the sequence to ask after for the lines that follow
   */
  public record LogPage(List<StoredLogLine> items, long next) {
    public LogPage {
      items = List.copyOf(items);
    }
  }

  /**
   * {@code POST /records}: the batch is committed (or was, when it was a repeat).
   *
   * @param cancelRequested the sender's active runs whose cancel was requested
   */
  public record RecordAnswer(Set<UUID> cancelRequested) {
    public RecordAnswer {
      cancelRequested = Set.copyOf(cancelRequested);
    }
  }

  /**
   * A token as {@code GET /tokens} lists it.
   *
   * @param name its name
   * @param scope {@code read}, {@code run}, {@code agent} or {@code admin}
   * @param createdAt when it was created
   * @param lastUsedAt when it was last presented, by the minute; null when never
   */
  public record TokenInfo(
      String name, String scope, Instant createdAt, @Nullable Instant lastUsedAt) {}

  /**
   * A token just created: the only time the server shows it.
   *
   * @param name its name
   * @param scope its scope
   * @param token the token, to send as {@code Authorization: Bearer <token>} (or set as {@code
   *     api.token})
   */
  public record CreatedToken(String name, String scope, String token) {
    /** Masks the token, so that logging the record does not leak it. */
    @Override
    public String toString() {
      return "CreatedToken[name=" + name + ", scope=" + scope + ", token=***]";
    }
  }

  // The answers' wrappers, one per element type (Jackson reads a record of a concrete type).

  record FlowItems(List<FlowSummary> items) {}

  record TaskRunItems(List<TaskRunDetail> items) {}

  record ChangeItems(List<RunChange> items) {}

  record TokenItems(List<TokenInfo> items) {}

  record Buckets(List<RunCountBucket> buckets) {}

  record Outcome(String outcome) {}

  record Latest(long sequence) {}

  private record Response(int status, byte[] body) {}

  // ---- HTTP

  private <T> T get(String path, Class<T> type) {
    return read(check(send("GET", path, null)), path, type);
  }

  /** A GET whose 404 means "no such thing". */
  private <T> Optional<T> find(String path, Class<T> type) {
    Response r = send("GET", path, null);
    if (r.status == 404) {
      return Optional.empty();
    }
    return Optional.of(read(check(r), path, type));
  }

  private Response send(String method, String path, byte @Nullable [] body) {
    return complete(sendAsync(method, path, body));
  }

  private CompletableFuture<Response> sendAsync(
      String method, String path, byte @Nullable [] body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url + path))
            .timeout(timeout)
            .header("Accept", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (body != null) {
      request.header("Content-Type", JSON);
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
        .handle(
            (response, failure) -> {
              if (failure != null) {
                throw new CompletionException(transportFailure(unwrap(failure), method, path));
              }
              return new Response(response.statusCode(), response.body());
            });
  }

  /**
   * Waits for {@code future}, throwing what it failed with as {@link #record} documents; an
   * interrupt cancels the request.
   */
  private static <T> T complete(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(
          new InterruptedIOException("interrupted while waiting for the Sluice server"));
    } catch (ExecutionException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause);
    } catch (CancellationException e) {
      throw new UncheckedIOException(new InterruptedIOException("the request was cancelled"));
    }
  }

  private static Throwable unwrap(Throwable t) {
    Throwable cause = t;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /**
   * What the caller sees when no answer came: the URL and what to do. Already-mapped failures (an
   * answer that could not be read) pass through.
   */
  private RuntimeException transportFailure(Throwable failure, String method, String path) {
    if (failure instanceof RuntimeException r) {
      return r;
    }
    if (failure instanceof HttpTimeoutException e) {
      return new UncheckedIOException(
          "the Sluice server at "
              + url
              + " did not answer "
              + method
              + " "
              + path(path)
              + " within "
              + timeout
              + " (api.timeout); is it overloaded, or is something else listening there?",
          e);
    }
    if (failure instanceof ConnectException e) {
      return new UncheckedIOException(
          "cannot reach the Sluice server at "
              + url
              + " (connection refused); is the server running? (sluice server start)",
          e);
    }
    if (failure instanceof IOException e) {
      return new UncheckedIOException(
          "cannot talk to the Sluice server at "
              + url
              + " ("
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
              + "); is the server running? (sluice server start)",
          e);
    }
    return new UncheckedIOException(new IOException(failure));
  }

  /** The path without its query, for messages. */
  private static String path(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    return ApiUrl.VERSION_PATH + (q < 0 ? pathAndQuery : pathAndQuery.substring(0, q));
  }

  private Response check(Response r) {
    if (r.status >= 200 && r.status < 300) {
      return r;
    }
    String error = defaultKind(r.status);
    String detail = "";
    try {
      JsonNode node = READER.readTree(r.body);
      if (node != null && node.isObject()) {
        error = node.path("error").asText(error);
        detail = node.path("detail").asText("");
      }
    } catch (IOException notJson) {
      detail = new String(r.body, StandardCharsets.UTF_8).strip();
      if (detail.length() > 300) {
        detail = detail.substring(0, 300) + "...";
      }
    }
    if (detail.isEmpty()) {
      detail = "(no explanation given)";
    }
    if (r.status == 401 && token == null) {
      detail += " (this client sent no token: set api.token, or SLUICE_API_TOKEN)";
    }
    throw new SluiceApiException(url, r.status, error, detail);
  }

  private static String defaultKind(int status) {
    return switch (status) {
      case 400 -> "bad-request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not-found";
      case 405 -> "method-not-allowed";
      case 409 -> "conflict";
      case 413 -> "too-large";
      case 429 -> "too-many-streams";
      case 500 -> "internal";
      case 503 -> "unavailable";
      default -> "http-" + status;
    };
  }

  private <T> T read(Response r, String path, Class<T> type) {
    try {
      return READER.forType(type).readValue(r.body);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "the Sluice server at "
              + url
              + " answered "
              + path(path)
              + " with what is not "
              + type.getSimpleName()
              + " JSON ("
              + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage())
              + "); is its version one this client speaks ("
              + ApiUrl.VERSION_PATH
              + ")?",
          e);
    }
  }

  private static byte[] json(Object value) {
    try {
      return ApiJson.writer().writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a request body", e);
    }
  }

  /** Builds a {@link SluiceClient}. */
  public static final class Builder {
    private @Nullable String url;
    private @Nullable String token;
    private Duration timeout = Duration.ofSeconds(60);

    private Builder() {}

    /**
     * The server: {@code http://host:port}, {@code http://host:port/api} or {@code
     * http://host:port/api/v1} (also {@code https:}).
     *
     * @throws IllegalArgumentException when it is not such a URL, saying why
     */
    public Builder url(String url) {
      this.url = ApiUrl.normalise(Objects.requireNonNull(url, "url"));
      return this;
    }

    /** The bearer token to send; null or blank for none (a server on loopback may need none). */
    public Builder token(@Nullable String token) {
      if (token != null && (token.indexOf('\r') >= 0 || token.indexOf('\n') >= 0)) {
        throw new IllegalArgumentException("the API token must be one line of text");
      }
      this.token = token == null || token.isBlank() ? null : token.strip();
      return this;
    }

    /** How long one request may take, at least 1 ms; 60 s unless set. */
    public Builder timeout(Duration timeout) {
      if (timeout.compareTo(Duration.ofMillis(1)) < 0) {
        throw new IllegalArgumentException(
            "the timeout of requests to the Sluice server must be at least 1 ms, was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * The client.
     *
     * @throws IllegalStateException when no {@link #url} was given
     */
    public SluiceClient build() {
      if (url == null) {
        throw new IllegalStateException(
            "a SluiceClient needs the server's URL: call url(\"http://127.0.0.1:4200\")");
      }
      return new SluiceClient(this);
    }
  }
}
