package dev.sluice.server;

import dev.sluice.api.store.FlowRunDetail;
import dev.sluice.api.store.RunChange;
import dev.sluice.api.store.RunHistory;
import dev.sluice.api.store.StoredLogLine;
import dev.sluice.wire.ApiJson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live streams (Server-Sent Events): a flow run's log lines, and the change feed. Each event's
 * {@code id} is its sequence, so a client that reconnects with {@code Last-Event-ID} resumes after
 * the last event it saw, missing and repeating nothing. A stream waits for this server's commits
 * (its store's commit listener) and polls every half second for other processes'; a comment every
 * 15 s keeps proxies from closing an idle stream and tells the server when the client left.
 */
final class Streams {
  private static final long POLL_MILLIS = 500;
  private static final long KEEPALIVE_MILLIS = 15_000;
  private static final int PAGE = 500;

  private final RunHistory history;
  private final int maxPerCaller;
  private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();
  private final Object signal = new Object();
  private final Runnable listener = this::wake;
  private long commits;
  private volatile boolean stopping;

  Streams(RunHistory history, int maxPerCaller) {
    this.history = history;
    this.maxPerCaller = maxPerCaller;
    history.addCommitListener(listener);
  }

  private void wake() {
    synchronized (signal) {
      commits++;
      signal.notifyAll();
    }
  }

  /** Ends every stream (the server is stopping); each finishes its current event. */
  void stop() {
    stopping = true;
    history.removeCommitListener(listener);
    wake();
  }

  /**
   * {@code GET /flow-runs/{id}/logs/stream}: the run's lines, then {@code end} once it is final.
   */
  void logs(Exchange x) throws IOException {
    x.onlyQuery(List.of("after"));
    UUID id = x.pathId("id", "flow run");
    if (history.flowRun(id).isEmpty()) {
      throw ApiError.notFound("no flow run has the id " + id);
    }
    long after = resumeFrom(x);
    try (Stream stream = open(x)) {
      while (!stopping) {
        long seen = commitCount();
        // Whether the run was final is read before its lines: a final run's lines are all in.
        Optional<FlowRunDetail> run = history.flowRun(id);
        boolean done = run.isEmpty() || run.get().run().state().isFinal();
        List<StoredLogLine> lines = history.logs(id, after, PAGE);
        for (StoredLogLine line : lines) {
          stream.event("log", line.sequence(), ApiJson.writer().writeValueAsString(line));
          after = line.sequence();
        }
        if (lines.size() == PAGE) {
          continue;
        }
        if (done) {
          stream.event(
              "end",
              after,
              "{\"state\":"
                  + ApiJson.writer()
                      .writeValueAsString(run.map(d -> d.run().state().name()).orElse("unknown"))
                  + "}");
          return;
        }
        stream.flush();
        stream.await(seen);
      }
    }
  }

  /** {@code GET /flow-runs/stream}: one event per flow run a commit changed, from any process. */
  void changes(Exchange x) throws IOException {
    x.onlyQuery(List.of("after"));
    long after =
        x.header("Last-Event-ID") != null || x.query("after").isPresent()
            ? resumeFrom(x)
            : history.latestChangeSequence();
    try (Stream stream = open(x)) {
      stream.comment("from " + after);
      while (!stopping) {
        long seen = commitCount();
        List<RunChange> changes = history.changesAfter(after, PAGE);
        for (RunChange change : changes) {
          stream.event("change", change.sequence(), ApiJson.writer().writeValueAsString(change));
          after = change.sequence();
        }
        if (changes.size() == PAGE) {
          continue;
        }
        stream.flush();
        stream.await(seen);
      }
    }
  }

  private static long resumeFrom(Exchange x) {
    String last = x.header("Last-Event-ID");
    if (last != null) {
      try {
        long value = Long.parseLong(last.strip());
        if (value >= 0) {
          return value;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw ApiError.badRequest(
          "Last-Event-ID: expected an event id this stream sent, got '" + last + "'");
    }
    return x.longQuery("after", 0);
  }

  private long commitCount() {
    synchronized (signal) {
      return commits;
    }
  }

  private Stream open(Exchange x) {
    String caller = x.principal.name();
    AtomicInteger count = open.computeIfAbsent(caller, k -> new AtomicInteger());
    if (count.incrementAndGet() > maxPerCaller) {
      count.decrementAndGet();
      throw ApiError.tooManyStreams(
          "this caller has "
              + maxPerCaller
              + " live streams open, the most allowed (setting server.max-streams); close one");
    }
    x.response.getHeaders().put("X-Accel-Buffering", "no");
    return new Stream(x, count);
  }

  /** One open event stream. */
  private final class Stream implements AutoCloseable {
    private final Exchange exchange;
    private final OutputStream out;
    private final AtomicInteger count;
    private long lastWrite = System.nanoTime();

    Stream(Exchange exchange, AtomicInteger count) {
      this.exchange = exchange;
      this.count = count;
      this.out = exchange.stream(200, "text/event-stream; charset=utf-8");
    }

    void event(String name, long id, String data) throws IOException {
      out.write(
          ("event: " + name + "\nid: " + id + "\ndata: " + data + "\n\n")
              .getBytes(StandardCharsets.UTF_8));
      lastWrite = System.nanoTime();
    }

    void comment(String text) throws IOException {
      out.write((": " + text + "\n\n").getBytes(StandardCharsets.UTF_8));
      flush();
    }

    void flush() throws IOException {
      out.flush();
    }

    /** Waits for a commit after {@code seen}, a poll interval, or the stream's keep-alive. */
    void await(long seen) throws IOException {
      synchronized (signal) {
        if (commits == seen && !stopping) {
          try {
            signal.wait(POLL_MILLIS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("the stream's thread was interrupted");
          }
        }
      }
      if (System.nanoTime() - lastWrite > KEEPALIVE_MILLIS * 1_000_000) {
        comment("keep-alive");
        lastWrite = System.nanoTime();
      }
    }

    @Override
    public void close() throws IOException {
      count.decrementAndGet();
      try {
        out.close();
        exchange.callback.succeeded();
      } catch (IOException e) {
        exchange.callback.failed(e);
        throw e;
      }
    }
  }
}
