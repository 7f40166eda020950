package dev.sluice.benchmarks;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.State;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.FlowRunQuery;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.RunRecorder;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStores;
import dev.sluice.server.SluiceServer;
import dev.sluice.wire.RecordBatches;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server under load (issue figures, not a JMH benchmark: its subject is a real server on
 * loopback): with {@code --runs} flow runs stored, {@code --clients} concurrent HTTP clients list
 * and read runs for {@code --seconds}; then recording through {@code POST /api/v1/records} from
 * several senders at once. Prints p50/p99 latency, requests/s and transitions/s, and writes them to
 * {@code benchmarks/SERVER.md} (which {@link Results} puts into RESULTS.md).
 *
 * <pre>
 * ./dev java -cp benchmarks/target/benchmarks.jar dev.sluice.benchmarks.ServerLoad \
 *     [--runs 1000000] [--clients 200] [--seconds 30] [--store jdbc:postgresql://...] [--out FILE]
 * </pre>
 *
 * Only loopback traffic, bounded by the duration. The SQLite database is kept in {@code
 * benchmarks/target/server-load/} and reused while it holds the asked number of runs.
 */
public final class ServerLoad {
  private static final String[] FLOWS = new String[20];
  private static final String[] TAGS = {"etl", "nightly", "ml", "adhoc", "billing"};
  private static final Instant EPOCH = Instant.parse("2026-11-01T00:00:00Z");

  static {
    for (int i = 0; i < FLOWS.length; i++) {
      FLOWS[i] = "flow-" + i;
    }
  }

  private ServerLoad() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = options(args);
    int runs = Integer.parseInt(o.getOrDefault("runs", "1000000"));
    int clients = Integer.parseInt(o.getOrDefault("clients", "200"));
    int seconds = Integer.parseInt(o.getOrDefault("seconds", "30"));
    String location =
        o.getOrDefault(
            "store",
            Path.of("benchmarks/target/server-load/runs-" + runs + ".db")
                .toAbsolutePath()
                .toString());
    Path out = Path.of(o.getOrDefault("out", "benchmarks/SERVER.md"));
    List<Double> rates = new ArrayList<>();
    for (String rate : o.getOrDefault("rates", "250,500").split(",")) {
      if (!rate.isBlank()) {
        rates.add(Double.parseDouble(rate.strip()));
      }
    }
    boolean sqlite = !location.startsWith("jdbc:");
    if (sqlite) {
      Files.createDirectories(Path.of(location).getParent());
    }
    try (RunStore store = RunStores.open(location, Map.of())) {
      long stored = count(store);
      if (stored < runs) {
        fill(store, runs - (int) stored);
      }
      System.out.printf(
          Locale.ROOT, "store %s holds %,d flow runs%n", store.location(), count(store));
      List<UUID> sample = sampleIds(store);
      try (SluiceServer server = SluiceServer.builder().store(store).port(0).start()) {
        List<Figures> reads = readLoad(server.uri(), sample, clients, seconds, rates);
        Figures writes = recordLoad(server.uri(), Math.max(2, seconds / 3));
        String kind = sqlite ? "SQLite" : "PostgreSQL";
        String block = render(kind, runs, clients, seconds, rates, reads, writes);
        System.out.print(block);
        if (!o.containsKey("no-write")) {
          write(out, kind, block);
        }
      }
    }
  }

  /** One load's figures; {@code cpuMicros} is the process's CPU time per request. */
  record Figures(
      long requests, double seconds, long p50Micros, long p99Micros, long errors, long cpuMicros) {
    double perSecond() {
      return requests / seconds;
    }
  }

  /** The number of runs stored, read from the run counts (one bucket over all time). */
  private static long count(RunStore store) {
    var buckets =
        store
            .history()
            .runCounts(
                new dev.sluice.api.store.RunCountQuery(
                    EPOCH.minus(Duration.ofDays(3650)),
                    Instant.now().plus(Duration.ofDays(1)),
                    Duration.ofDays(3660),
                    null,
                    Set.of()));
    return buckets.stream().mapToLong(dev.sluice.api.store.RunCountBucket::total).sum();
  }

  private static void fill(RunStore store, int runs) {
    System.out.printf(Locale.ROOT, "storing %,d flow runs...%n", runs);
    long began = System.nanoTime();
    RunRecorder r = store.recorder();
    SplittableRandom random = new SplittableRandom(42);
    RunOwner owner = new RunOwner("load-host", 1, EPOCH);
    FlowInfo[] infos = new FlowInfo[FLOWS.length];
    for (int i = 0; i < FLOWS.length; i++) {
      infos[i] =
          new FlowInfo(
              FLOWS[i],
              "1",
              "",
              List.of(
                  new FlowInfo.StepInfo("extract", FlowInfo.StepInfo.TASK, List.of()),
                  new FlowInfo.StepInfo("load", FlowInfo.StepInfo.TASK, List.of("extract"))),
              "flowchart LR\n  extract --> load");
    }
    long span = Duration.ofDays(30).toMillis();
    for (int i = 0; i < runs; i++) {
      int f = random.nextInt(FLOWS.length);
      Instant at = EPOCH.plusMillis(random.nextLong(span));
      UUID id = new UUID(at.toEpochMilli() << 16 | 0x7000, random.nextLong());
      String tag = TAGS[random.nextInt(TAGS.length)];
      r.flowRunStarted(
          new FlowRunStart(
              id,
              infos[f],
              "{\"n\":" + i + "}",
              null,
              null,
              at,
              owner,
              "run-" + i,
              Set.of(tag),
              null));
      r.flowRunStateChanged(new FlowRunEvent(id, FLOWS[f], null, null, State.PENDING, at, 1));
      r.flowRunStateChanged(
          new FlowRunEvent(id, FLOWS[f], null, State.PENDING, State.RUNNING, at.plusMillis(1), 1));
      UUID task = new UUID(id.getMostSignificantBits(), random.nextLong());
      r.taskRunStateChanged(
          new TaskRunEvent(
              id, FLOWS[f], task, "extract", null, State.RUNNING, at.plusMillis(2), 1, null));
      boolean failed = random.nextInt(10) == 0;
      State end =
          failed ? new State.Failed(new IllegalStateException("load " + i)) : State.COMPLETED;
      r.taskRunStateChanged(
          new TaskRunEvent(
              id, FLOWS[f], task, "extract", State.RUNNING, end, at.plusMillis(5), 1, null));
      r.log(
          new LogLine(
              id, task, at.plusMillis(3), "INFO", "load", "main", "row " + i, null, Map.of()));
      r.flowRunStateChanged(
          new FlowRunEvent(
              id,
              FLOWS[f],
              null,
              State.RUNNING,
              failed ? new State.Failed(new IllegalStateException("load " + i)) : State.COMPLETED,
              at.plusMillis(6),
              1));
      if (i % 100_000 == 99_999) {
        System.out.printf(Locale.ROOT, "  %,d%n", i + 1);
      }
    }
    if (!r.flush(Duration.ofMinutes(30))) {
      throw new IllegalStateException("the store did not take the runs within 30 minutes");
    }
    System.out.printf(Locale.ROOT, "stored in %.1f s%n", (System.nanoTime() - began) / 1e9);
  }

  private static List<UUID> sampleIds(RunStore store) {
    List<UUID> ids = new ArrayList<>();
    for (String flow : FLOWS) {
      store
          .history()
          .flowRuns(FlowRunQuery.recent(200).withFlowName(flow))
          .forEach(r -> ids.add(r.id()));
    }
    return ids;
  }

  /**
   * {@code clients} virtual threads, each listing (60 %) and reading (40 %) runs: first as fast as
   * answers come (a closed loop), then at each of {@code rates} requests/s in all (open loops).
   */
  private static List<Figures> readLoad(
      URI base, List<UUID> ids, int clients, int seconds, List<Double> rates) throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
    System.out.printf(
        Locale.ROOT, "%d clients for %d s (after 5 s of warm-up)...%n", clients, seconds);
    run(http, base, ids, clients, 5, 0);
    List<Figures> figures = new ArrayList<>();
    figures.add(run(http, base, ids, clients, seconds, 0));
    for (double rate : rates) {
      System.out.printf(Locale.ROOT, "%d clients at %,.0f requests/s...%n", clients, rate);
      figures.add(run(http, base, ids, clients, seconds, rate));
    }
    return figures;
  }

  /**
   * A listing as the dashboard and scripts ask for them: the newest runs, or those of one flow, one
   * state, one tag, one flow in one state, or one day, each picked at random.
   */
  private static String listing(SplittableRandom random) {
    String page = "/api/v1/flow-runs?limit=50";
    return switch (random.nextInt(6)) {
      case 0 -> page;
      case 1 -> page + "&flow=" + FLOWS[random.nextInt(FLOWS.length)];
      case 2 -> page + "&state=" + (random.nextBoolean() ? "Failed" : "Completed");
      case 3 -> page + "&tag=" + TAGS[random.nextInt(TAGS.length)];
      case 4 -> page + "&flow=" + FLOWS[random.nextInt(FLOWS.length)] + "&state=Completed";
      default -> {
        Instant day = EPOCH.plus(Duration.ofDays(random.nextInt(30)));
        yield page + "&since=" + day + "&until=" + day.plus(Duration.ofDays(1));
      }
    };
  }

  /**
   * {@code clients} loops for {@code seconds}. With {@code rate} 0 each sends its next request as
   * soon as the last is answered (a closed loop: the server's saturation); otherwise each sends one
   * every {@code clients / rate} seconds, and a request's latency counts from when it was due, so a
   * server that falls behind is not flattered by the requests it delayed (an open loop).
   */
  private static Figures run(
      HttpClient http, URI base, List<UUID> ids, int clients, int seconds, double rate)
      throws Exception {
    long cpuBefore = StoreBenchmark.Cpu.processCpuNanos();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    long interval = rate > 0 ? (long) (clients / rate * 1e9) : 0;
    AtomicLong errors = new AtomicLong();
    List<Future<long[]>> results = new ArrayList<>();
    long began = System.nanoTime();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < clients; c++) {
        int seed = c;
        results.add(
            pool.submit(
                () -> {
                  SplittableRandom random = new SplittableRandom(seed);
                  long[] latencies = new long[1 << 12];
                  int n = 0;
                  long due = System.nanoTime() + (interval > 0 ? random.nextLong(interval) : 0);
                  while (due < end) {
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    String path =
                        random.nextInt(10) < 6
                            ? listing(random)
                            : "/api/v1/flow-runs/" + ids.get(random.nextInt(ids.size()));
                    long t0 = interval > 0 ? due : System.nanoTime();
                    HttpResponse<byte[]> r =
                        http.send(
                            HttpRequest.newBuilder(base.resolve(path)).GET().build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    long answered = System.nanoTime();
                    long took = answered - t0;
                    due = interval > 0 ? due + interval : answered;
                    if (r.statusCode() != 200) {
                      errors.incrementAndGet();
                    }
                    if (n == latencies.length) {
                      latencies = Arrays.copyOf(latencies, n * 2);
                    }
                    latencies[n++] = took;
                  }
                  return Arrays.copyOf(latencies, n);
                }));
      }
    }
    double elapsed = (System.nanoTime() - began) / 1e9;
    long cpu = StoreBenchmark.Cpu.processCpuNanos() - cpuBefore;
    long[] merged = merged(results);
    return new Figures(
        merged.length,
        elapsed,
        percentile(merged, 0.50),
        percentile(merged, 0.99),
        errors.get(),
        merged.length == 0 ? 0 : cpu / 1000 / merged.length);
  }

  /** Every worker's latencies, in nanoseconds, sorted. */
  private static long[] merged(List<Future<long[]>> results) throws Exception {
    List<long[]> all = new ArrayList<>();
    for (Future<long[]> f : results) {
      all.add(f.get());
    }
    return all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
  }

  /** The {@code q} quantile of sorted nanosecond latencies, in microseconds; 0 when none. */
  private static long percentile(long[] sorted, double q) {
    return sorted.length == 0
        ? 0
        : sorted[(int) Math.min(sorted.length - 1, sorted.length * q)] / 1000;
  }

  /**
   * Four senders, each posting batches of 2,002 records (a flow run and 500 task runs of four
   * transitions) one after the other, as a recording process does. Counts transitions (state
   * changes) stored per second.
   */
  private static Figures recordLoad(URI base, int seconds) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    int senders = 4;
    AtomicLong began = new AtomicLong();
    AtomicLong end = new AtomicLong();
    CyclicBarrier start =
        new CyclicBarrier(
            senders,
            () -> {
              began.set(System.nanoTime());
              end.set(began.get() + seconds * 1_000_000_000L);
            });
    AtomicLong transitions = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<Future<long[]>> results = new ArrayList<>();
    FlowInfo info = new FlowInfo("recorded", "1", "", List.of(), "");
    try (ExecutorService pool = Executors.newFixedThreadPool(senders)) {
      for (int s = 0; s < senders; s++) {
        String source = "load-" + s + "-" + UUID.randomUUID();
        results.add(
            pool.submit(
                () -> {
                  // The bodies are built before the clock starts where they can be: the
                  // senders stand for other machines, whose CPU is not this server's.
                  List<byte[]> ready = new ArrayList<>();
                  for (int k = 1; k <= PREBUILT_BATCHES; k++) {
                    ready.add(batch(source, k, info));
                  }
                  long sequence = 0;
                  long[] latencies = new long[1024];
                  int n = 0;
                  start.await();
                  while (System.nanoTime() < end.get()) {
                    sequence++;
                    byte[] body =
                        sequence <= ready.size()
                            ? ready.get((int) sequence - 1)
                            : batch(source, sequence, info);
                    long t0 = System.nanoTime();
                    HttpResponse<String> r =
                        http.send(
                            HttpRequest.newBuilder(base.resolve("/api/v1/records"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                    if (r.statusCode() == 200) {
                      transitions.addAndGet(2001); // every record but the start is a transition
                    } else {
                      errors.incrementAndGet();
                    }
                    if (n == latencies.length) {
                      latencies = Arrays.copyOf(latencies, n * 2);
                    }
                    latencies[n++] = System.nanoTime() - t0;
                  }
                  return Arrays.copyOf(latencies, n);
                }));
      }
    }
    double elapsed = (System.nanoTime() - began.get()) / 1e9;
    long[] merged = merged(results);
    return new Figures(
        transitions.get(),
        elapsed,
        percentile(merged, 0.50),
        percentile(merged, 0.99),
        errors.get(),
        0);
  }

  /** Batches each sender builds before the clock starts (about 0.4 MB each). */
  private static final int PREBUILT_BATCHES = 150;

  /**
   * The body of batch {@code sequence} of {@code source}: one flow run of 500 task runs, four
   * transitions each, as a wide flow sends.
   */
  private static byte[] batch(String source, long sequence, FlowInfo info) throws IOException {
    RunOwner owner = new RunOwner("load-sender", 2, EPOCH);
    List<Object> records = new ArrayList<>(2002);
    Instant at = Instant.now();
    UUID id = UUID.randomUUID();
    records.add(new FlowRunStart(id, info, "{}", null, null, at, owner));
    records.add(new FlowRunEvent(id, "recorded", null, null, State.RUNNING, at, 1));
    for (int i = 0; i < 500; i++) {
      UUID task = UUID.randomUUID();
      String name = "t[" + i + "]";
      records.add(
          new TaskRunEvent(id, "recorded", task, name, null, State.PENDING, at, 0, null, "t", i));
      records.add(
          new TaskRunEvent(
              id, "recorded", task, name, State.PENDING, State.RUNNING, at, 1, null, "t", i));
      records.add(
          new TaskRunEvent(
              id,
              "recorded",
              task,
              name,
              State.RUNNING,
              new State.AwaitingRetry(at, 2),
              at,
              1,
              null,
              "t",
              i));
      records.add(
          new TaskRunEvent(
              id, "recorded", task, name, State.RETRYING, State.COMPLETED, at, 2, null, "t", i));
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream(1 << 20);
    RecordBatches.write(body, source, sequence, records, List.of());
    return body.toByteArray();
  }

  private static String render(
      String kind,
      int runs,
      int clients,
      int seconds,
      List<Double> rates,
      List<Figures> reads,
      Figures writes) {
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < reads.size(); i++) {
      Figures r = reads.get(i);
      String loop =
          i == 0
              ? "closed loop (each client asks again as soon as it is answered)"
              : String.format(Locale.ROOT, "open loop at %,.0f requests/s", rates.get(i - 1));
      rows.append(
          String.format(
              Locale.ROOT,
              "| %s, %,d runs stored | %d clients listing (60 %%) and reading (40 %%) runs, %s, %d s"
                  + " | p50 %.1f ms, p99 %.1f ms | %,.0f requests/s, %,d µs CPU each (server and"
                  + " clients) | %d errors |%n",
              kind,
              runs,
              clients,
              loop,
              seconds,
              r.p50Micros() / 1000.0,
              r.p99Micros() / 1000.0,
              r.perSecond(),
              r.cpuMicros(),
              r.errors()));
    }
    rows.append(
        String.format(
            Locale.ROOT,
            "| %s | recording: 4 senders, batches of 2,000 task-run transitions (bodies built before"
                + " the clock starts) | batch p50 %.1f ms, p99 %.1f ms | %,.0f transitions/s | %d"
                + " errors |%n",
            kind,
            writes.p50Micros() / 1000.0,
            writes.p99Micros() / 1000.0,
            writes.perSecond(),
            writes.errors()));
    return rows.toString();
  }

  /** Replaces the rows of {@code kind} in {@code file} (a Markdown table), keeping the others. */
  private static void write(Path file, String kind, String rows) throws IOException {
    String header =
        "# Server figures\n\n"
            + "Written by `ServerLoad` (benchmarks/src/main/java/dev/sluice/benchmarks/ServerLoad.java):"
            + " a real server on 127.0.0.1, a real store, java.net.http clients on virtual threads, on"
            + " this 2-core machine (clients and server share it).\n\n"
            + "| store | load | latency | throughput | errors |\n|---|---|---|---|---|\n";
    List<String> kept = new ArrayList<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith("| ")
            && !line.startsWith("| store ")
            && !line.startsWith("| " + kind)) {
          kept.add(line);
        }
      }
    }
    StringBuilder text = new StringBuilder(header);
    kept.forEach(l -> text.append(l).append('\n'));
    text.append(rows);
    Files.writeString(file, text.toString());
    System.out.println("wrote " + file);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> o = new java.util.HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].startsWith("--")) {
        String key = args[i].substring(2);
        if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
          o.put(key, args[++i]);
        } else {
          o.put(key, "true");
        }
      }
    }
    return o;
  }
}
