package dev.sluice.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Turns JMH's JSON results into {@code benchmarks/RESULTS.md}: machine, JDK and date; per shape,
 * each subject's ns per task and per edge with its ratios to the bounds and peers; allocation per
 * task; build costs; the grain sweep; feature paths; the million-node run; and the targets, each
 * met or missed by how much. Hand-written analysis in {@code benchmarks/NOTES.md} is appended.
 *
 * <p>Usage: {@code Results RESULT_DIR OUTPUT.md MODE COMMAND}.
 */
public final class Results {
  private record Row(
      String benchmark,
      Map<String, String> params,
      double score,
      double error,
      String unit,
      double allocPerOp,
      int rounds) {}

  private final List<Row> rows = new ArrayList<>();
  private final Map<String, Integer> sizes = new HashMap<>();
  private final Map<String, Integer> edges = new HashMap<>();

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    Path output = Path.of(args[1]);
    String mode = args.length > 2 ? args[2] : "?";
    String command = args.length > 3 ? args[3] : "benchmarks/run";
    Results results = new Results();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        results.read(file);
      }
    }
    Path notes = output.resolveSibling("NOTES.md");
    // The server's figures (ServerLoad, the dashboard's browser timings) are not JMH results:
    // they are kept in SERVER.md and carried into RESULTS.md after the notes.
    Path server = output.resolveSibling("SERVER.md");
    String text =
        results.render(
            mode,
            command,
            (Files.isRegularFile(notes) ? Files.readString(notes) : "")
                + (Files.isRegularFile(server) ? "\n" + Files.readString(server) : ""));
    Files.writeString(output, text, StandardCharsets.UTF_8);
    System.out.println("wrote " + output + " from " + results.rows.size() + " results");
  }

  private void read(Path file) throws IOException {
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    for (JsonNode result : root) {
      String benchmark = result.get("benchmark").asText();
      benchmark =
          benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
      Map<String, String> params = new TreeMap<>();
      JsonNode p = result.get("params");
      if (p != null) {
        p.fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
      }
      JsonNode primary = result.get("primaryMetric");
      double alloc = Double.NaN;
      JsonNode secondary = result.get("secondaryMetrics");
      if (secondary != null && secondary.has("gc.alloc.rate.norm")) {
        alloc = secondary.get("gc.alloc.rate.norm").get("score").asDouble();
      }
      double error = primary.get("scoreError").asDouble();
      add(
          new Row(
              benchmark,
              params,
              primary.get("score").asDouble(),
              Double.isNaN(error) ? 0 : error,
              primary.get("scoreUnit").asText(),
              alloc,
              1));
    }
  }

  /**
   * Adds a result; a result measured again in a later round (same benchmark, same parameters) is
   * merged into the mean of the rounds, its error widened to cover how far the rounds differ.
   */
  private void add(Row row) {
    for (int i = 0; i < rows.size(); i++) {
      Row old = rows.get(i);
      if (old.benchmark().equals(row.benchmark())
          && old.params().equals(row.params())
          && old.unit().equals(row.unit())) {
        int n = old.rounds() + 1;
        double score = (old.score() * old.rounds() + row.score()) / n;
        double error =
            Math.max(
                Math.max(old.error(), row.error()),
                Math.max(Math.abs(old.score() - score), Math.abs(row.score() - score)));
        double alloc = (old.allocPerOp() * old.rounds() + row.allocPerOp()) / n;
        rows.set(i, new Row(row.benchmark(), row.params(), score, error, row.unit(), alloc, n));
        return;
      }
    }
    rows.add(row);
  }

  private int size(String shape, int nominal) {
    return sizes.computeIfAbsent(shape + nominal, k -> Dag.Shape.valueOf(shape).of(nominal).size());
  }

  private int edgeCount(String shape, int nominal) {
    return edges.computeIfAbsent(
        shape + nominal, k -> Dag.Shape.valueOf(shape).of(nominal).edges());
  }

  private static double nanos(Row row) {
    return switch (row.unit()) {
      case "us/op" -> row.score() * 1_000;
      case "ms/op" -> row.score() * 1_000_000;
      case "ns/op" -> row.score();
      case "s/op" -> row.score() * 1e9;
      default -> throw new IllegalArgumentException("unit " + row.unit());
    };
  }

  private @Nullable Row find(String benchmark, String... params) {
    outer:
    for (Row row : rows) {
      if (!row.benchmark().equals(benchmark)) {
        continue;
      }
      for (int i = 0; i < params.length; i += 2) {
        if (!params[i + 1].equals(row.params().get(params[i]))) {
          continue outer;
        }
      }
      return row;
    }
    return null;
  }

  /** ns per task of a DAG run, or NaN. */
  private double perTask(String shape, String size, String subject) {
    Row row = find("DagRunBenchmark.run", "shape", shape, "size", size, "subject", subject);
    return row == null ? Double.NaN : nanos(row) / size(shape, Integer.parseInt(size));
  }

  private double allocPerTask(String shape, String size, String subject) {
    Row row = find("DagRunBenchmark.run", "shape", shape, "size", size, "subject", subject);
    return row == null ? Double.NaN : row.allocPerOp() / size(shape, Integer.parseInt(size));
  }

  private static String num(double value) {
    if (Double.isNaN(value)) {
      return "—";
    }
    if (value >= 10_000) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    if (value >= 100) {
      return String.format(Locale.ROOT, "%.0f", value);
    }
    return String.format(Locale.ROOT, "%.1f", value);
  }

  private static String ratio(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) || b == 0
        ? "—"
        : String.format(Locale.ROOT, "%.2f×", a / b);
  }

  private String render(String mode, String command, String notes) {
    StringBuilder out = new StringBuilder();
    out.append("# Benchmark results\n\n");
    out.append("Generated by `").append(command).append("` (mode: ").append(mode).append(") on ");
    out.append(
            ZonedDateTime.now(ZoneId.systemDefault()).format(DateTimeFormatter.RFC_1123_DATE_TIME))
        .append(".\n\n");
    out.append("- Machine: ")
        .append(cpu())
        .append(", ")
        .append(Runtime.getRuntime().availableProcessors());
    out.append(" processors, ").append(memory()).append('\n');
    out.append("- JDK: ").append(System.getProperty("java.vm.name")).append(' ');
    out.append(System.getProperty("java.runtime.version")).append('\n');
    out.append("- Pools: every pool-based subject runs on ")
        .append(Runtime.getRuntime().availableProcessors());
    out.append(
        " threads; task bodies are empty unless stated, and every subject runs one body object for all");
    out.append(" of its tasks (for Sluice, one `TaskAction0` passed to every `action`).\n");
    out.append(
        "- JVM: each benchmark forks with a fixed heap pre-touched (`-XX:+AlwaysPreTouch`): on this VM");
    out.append(
        " the first write to each heap page costs several times the engine's own work, which made");
    out.append(" single figures swing by ±40 % (and up to 5×) between runs.\n");
    if (!mode.equals("smoke")) {
      out.append(
              "- Rounds: at 10^5 tasks, `SLUICE_POOL`, `POOL_LIMIT` and `FUTURE_GRAPH` are each the mean of ")
          .append(mode.equals("full") ? "4 rounds" : "2 rounds of 2 iterations")
          .append(
              ", one fork of each of the three per shape in a round, the rounds one after the other:")
          .append(
              " their ratios are targets, and on this VM a fork's figure depends on where the host")
          .append(
              " places its two threads (the pool limit gave 51–129 ns/task on the layered DAG from")
          .append(" one fork to the next), so each subject is measured at several moments; their ±")
          .append(" covers how far the rounds differ. Every other figure is one fork.\n");
    }
    out.append(
        "- Figures are JMH averages (one operation = one whole run of the DAG) divided by the number of");
    out.append(
        " tasks; allocation is JMH's `gc.alloc.rate.norm` per operation divided likewise.\n\n");
    out.append(
        "Subjects: `SLUICE_LOCAL`, `SLUICE_POOL` (platform threads), `SLUICE_VIRTUAL` (virtual threads);");
    out.append(
        " bounds with no framework: `POOL_LIMIT` (atomic counters, whoever zeroes a count submits the node),");
    out.append(
        " `FUTURE_GRAPH` (`allOf(upstreams).thenRunAsync(body, pool)`), `LOOP_LIMIT` (a topological loop on");
    out.append(
        " one thread, the floor for the local executor); peers: `DEXECUTOR` (Dexecutor 2.1.2), `FLO` (spotify");
    out.append(
        " flo 0.6.3). Dagger producers are not measured: their graphs are generated at compile time, so they");
    out.append(" cannot express a DAG whose shape is only known at run time.\n\n");

    String[] shapes = {"CHAIN", "FAN", "TREE", "GRID", "LAYERED"};
    String[] subjects = {
      "SLUICE_LOCAL",
      "SLUICE_POOL",
      "SLUICE_VIRTUAL",
      "POOL_LIMIT",
      "FUTURE_GRAPH",
      "LOOP_LIMIT",
      "DEXECUTOR",
      "FLO"
    };
    String[] sizesShown = {"1000", "10000", "100000"};
    out.append("## Running a DAG: ns per task\n\n");
    for (String shape : shapes) {
      if (find("DagRunBenchmark.run", "shape", shape) == null) {
        continue;
      }
      out.append("### ").append(shape.toLowerCase(Locale.ROOT)).append("\n\n");
      out.append(
          "| subject | 10^3 | 10^4 | 10^5 | ns/edge at 10^5 | B/task at 10^5 | ÷ pool limit | ÷ future graph | ÷ loop limit |\n");
      out.append("|---|---|---|---|---|---|---|---|---|\n");
      for (String subject : subjects) {
        double[] t = new double[sizesShown.length];
        boolean any = false;
        for (int i = 0; i < sizesShown.length; i++) {
          t[i] = perTask(shape, sizesShown[i], subject);
          any |= !Double.isNaN(t[i]);
        }
        if (!any) {
          continue;
        }
        String at = largest(shape, subject);
        double here = perTask(shape, at, subject);
        Row row = find("DagRunBenchmark.run", "shape", shape, "size", "100000", "subject", subject);
        double perEdge = row == null ? Double.NaN : nanos(row) / edgeCount(shape, 100_000);
        out.append("| ").append(subject);
        for (double v : t) {
          out.append(" | ").append(num(v));
        }
        out.append(" | ").append(num(perEdge));
        out.append(" | ").append(num(allocPerTask(shape, "100000", subject)));
        out.append(" | ").append(ratio(here, perTask(shape, at, "POOL_LIMIT")));
        out.append(" | ").append(ratio(here, perTask(shape, at, "FUTURE_GRAPH")));
        out.append(" | ").append(ratio(here, perTask(shape, at, "LOOP_LIMIT")));
        out.append(" |\n");
      }
      out.append("\nRatios are taken at the largest size the subject ran");
      out.append(
          " (peers are capped at 10^3: Dexecutor grows superlinearly, flo recurses per input).\n\n");
    }

    out.append(peers(shapes));
    out.append(build(shapes, sizesShown));
    out.append(grain());
    out.append(features());
    out.append(million());
    out.append(others());
    out.append(targets(shapes));
    if (!notes.isBlank()) {
      out.append("\n").append(notes.strip()).append('\n');
    }
    return out.toString();
  }

  private String largest(String shape, String subject) {
    for (String size : new String[] {"100000", "10000", "1000"}) {
      if (!Double.isNaN(perTask(shape, size, subject))) {
        return size;
      }
    }
    return "1000";
  }

  private String peers(String[] shapes) {
    StringBuilder out =
        new StringBuilder("## Sluice against the peers (10^3 tasks, ns per task)\n\n");
    out.append(
        "| shape | SLUICE_POOL | DEXECUTOR | FLO | Dexecutor ÷ Sluice | flo ÷ Sluice |\n|---|---|---|---|---|---|\n");
    boolean any = false;
    for (String shape : shapes) {
      double sluice = perTask(shape, "1000", "SLUICE_POOL");
      double dex = perTask(shape, "1000", "DEXECUTOR");
      double flo = perTask(shape, "1000", "FLO");
      if (Double.isNaN(dex) && Double.isNaN(flo)) {
        continue;
      }
      any = true;
      out.append("| ").append(shape.toLowerCase(Locale.ROOT)).append(" | ").append(num(sluice));
      out.append(" | ").append(num(dex)).append(" | ").append(num(flo));
      out.append(" | ")
          .append(ratio(dex, sluice))
          .append(" | ")
          .append(ratio(flo, sluice))
          .append(" |\n");
    }
    return any ? out.append('\n').toString() : "";
  }

  private String build(String[] shapes, String[] sizesShown) {
    if (find("DagBuildBenchmark.build") == null) {
      return "";
    }
    StringBuilder out = new StringBuilder("## Building a DAG: ns per task\n\n");
    out.append(
        "For Sluice: defining the flow with the DSL and validating it (names, edges, cycles).\n\n");
    out.append("| shape | subject | 10^3 | 10^4 | 10^5 |\n|---|---|---|---|---|\n");
    for (String shape : shapes) {
      for (String subject : new String[] {"SLUICE_POOL", "POOL_LIMIT", "DEXECUTOR", "FLO"}) {
        StringBuilder line =
            new StringBuilder("| " + shape.toLowerCase(Locale.ROOT) + " | " + subject);
        boolean any = false;
        for (String size : sizesShown) {
          Row row =
              find("DagBuildBenchmark.build", "shape", shape, "size", size, "subject", subject);
          double v = row == null ? Double.NaN : nanos(row) / size(shape, Integer.parseInt(size));
          any |= row != null;
          line.append(" | ").append(num(v));
        }
        if (any) {
          out.append(line).append(" |\n");
        }
      }
    }
    return out.append('\n').toString();
  }

  private String grain() {
    if (find("GrainBenchmark.run") == null) {
      return "";
    }
    StringBuilder out = new StringBuilder("## Grain sweep (10^4 tasks burning CPU)\n\n");
    out.append(
        "Efficiency = pool limit's time ÷ Sluice's time on the same DAG; the target is ≥ 90 %.\n\n");
    out.append(
        "| shape | work per task | SLUICE_POOL µs/run | POOL_LIMIT µs/run | FUTURE_GRAPH µs/run | Sluice efficiency |\n");
    out.append("|---|---|---|---|---|---|\n");
    for (String shape : new String[] {"FAN", "LAYERED"}) {
      for (String work : new String[] {"0", "1", "10", "100"}) {
        Row sluice =
            find(
                "GrainBenchmark.run", "shape", shape, "workMicros", work, "subject", "SLUICE_POOL");
        Row limit =
            find("GrainBenchmark.run", "shape", shape, "workMicros", work, "subject", "POOL_LIMIT");
        Row future =
            find(
                "GrainBenchmark.run",
                "shape",
                shape,
                "workMicros",
                work,
                "subject",
                "FUTURE_GRAPH");
        if (sluice == null || limit == null) {
          continue;
        }
        out.append("| ")
            .append(shape.toLowerCase(Locale.ROOT))
            .append(" | ")
            .append(work.replace(".0", ""))
            .append(" µs | ");
        out.append(num(nanos(sluice) / 1000))
            .append(" | ")
            .append(num(nanos(limit) / 1000))
            .append(" | ");
        out.append(future == null ? "—" : num(nanos(future) / 1000)).append(" | ");
        out.append(String.format(Locale.ROOT, "%.0f %%", 100 * nanos(limit) / nanos(sluice)))
            .append(" |\n");
      }
    }
    return out.append('\n').toString();
  }

  private String features() {
    if (find("FeatureBenchmark.run") == null) {
      return "";
    }
    StringBuilder out =
        new StringBuilder("## Feature paths (10^4 independent tasks, ns per task)\n\n");
    out.append(
        "`retry`: every task fails once and is retried at once (two attempts per task); `limited`: every");
    out.append(
        " task is tagged with a concurrency limit of 2; `cached`: every task is a memory-tier cache");
    out.append(
        " hit; `cachemiss`: every task misses and stores (keyed by run id); `plain`: none of these.\n\n");
    out.append(
        "| executor | plain | retry | limited | cached | cachemiss |\n|---|---|---|---|---|---|\n");
    for (String executor : new String[] {"local", "threadpool"}) {
      out.append("| ").append(executor);
      for (String feature : new String[] {"plain", "retry", "limited", "cached", "cachemiss"}) {
        Row row = find("FeatureBenchmark.run", "feature", feature, "executor", executor);
        out.append(" | ").append(row == null ? "—" : num(nanos(row) / FeatureBenchmark.TASKS));
      }
      out.append(" |\n");
    }
    return out.append('\n').toString();
  }

  private String million() {
    if (find("MillionBenchmark.run") == null) {
      return "";
    }
    StringBuilder out = new StringBuilder("## 10^6 tasks on the local executor, 2 GiB heap\n\n");
    out.append("| shape | ms per run | ns per task |\n|---|---|---|\n");
    for (String shape : new String[] {"CHAIN", "LAYERED"}) {
      Row row = find("MillionBenchmark.run", "shape", shape);
      if (row != null) {
        out.append("| ")
            .append(shape.toLowerCase(Locale.ROOT))
            .append(" | ")
            .append(num(nanos(row) / 1e6));
        out.append(" | ").append(num(nanos(row) / 1_000_000)).append(" |\n");
      }
    }
    return out.append('\n').toString();
  }

  /** The benchmarks of the shared DAG suite, which have tables of their own above. */
  private static final List<String> DAG_SUITE =
      List.of(
          "DagRunBenchmark",
          "DagBuildBenchmark",
          "GrainBenchmark",
          "FeatureBenchmark",
          "MillionBenchmark");

  /**
   * Every other benchmark (cache, subprocess, run store...), one row per method and parameter set,
   * in JMH's own unit: these measure one operation each rather than a whole DAG.
   */
  private String others() {
    List<Row> other =
        rows.stream()
            .filter(
                row ->
                    !DAG_SUITE.contains(row.benchmark().substring(0, row.benchmark().indexOf('.'))))
            .toList();
    if (other.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder("## Cache, subprocess and run-store paths\n\n");
    out.append(
        "One row per benchmark method and parameters, in JMH's unit for it (`ops/s` for throughput,");
    out.append(" time per operation otherwise); what each measures is in its class's javadoc.\n\n");
    out.append("| benchmark | parameters | score | error | B/op |\n|---|---|---|---|---|\n");
    for (Row row : other) {
      out.append("| `").append(row.benchmark()).append("` | ");
      out.append(
          row.params().isEmpty()
              ? "—"
              : String.join(
                  ", ",
                  row.params().entrySet().stream()
                      .map(e -> e.getKey() + "=" + e.getValue())
                      .toList()));
      out.append(" | ").append(num(row.score())).append(' ').append(row.unit());
      out.append(" | ± ").append(num(row.error()));
      out.append(" | ").append(num(row.allocPerOp())).append(" |\n");
    }
    return out.append('\n').toString();
  }

  private String targets(String[] shapes) {
    StringBuilder out =
        new StringBuilder(
            "## Targets (DAG shapes at 10^5 tasks; feature paths as each row says)\n\n");
    out.append("| target | shape | value | met |\n|---|---|---|---|\n");
    for (String shape : shapes) {
      double pool = perTask(shape, "100000", "SLUICE_POOL");
      double limit = perTask(shape, "100000", "POOL_LIMIT");
      double future = perTask(shape, "100000", "FUTURE_GRAPH");
      double local = perTask(shape, "100000", "SLUICE_LOCAL");
      double allocPool = allocPerTask(shape, "100000", "SLUICE_POOL");
      double allocLocal = allocPerTask(shape, "100000", "SLUICE_LOCAL");
      String s = shape.toLowerCase(Locale.ROOT);
      target(out, "thread pool ≤ 1 µs per task", s, num(pool) + " ns", pool <= 1000);
      target(out, "thread pool ≤ 2× the pool limit", s, ratio(pool, limit), pool <= 2 * limit);
      target(out, "thread pool ≤ the future graph", s, ratio(pool, future), pool <= future);
      target(out, "local ≤ 200 ns per task", s, num(local) + " ns", local <= 200);
      target(
          out,
          "≤ 500 B allocated per task (pool, local)",
          s,
          num(allocPool) + " B, " + num(allocLocal) + " B",
          allocPool <= 500 && allocLocal <= 500);
      double dex = perTask(shape, "1000", "DEXECUTOR");
      double flo = perTask(shape, "1000", "FLO");
      double sluice = perTask(shape, "1000", "SLUICE_POOL");
      if (!Double.isNaN(dex) || !Double.isNaN(flo)) {
        target(
            out,
            "faster than every peer (10^3)",
            s,
            "the fastest peer takes "
                + ratio(Math.min(nan(dex), nan(flo)), sluice)
                + " Sluice's time",
            sluice < Math.min(nan(dex), nan(flo)));
      }
    }
    for (Row hit : rows) {
      if (hit.benchmark().equals("CacheBenchmark.keyAndHit")) {
        double ns = nanos(hit);
        target(
            out,
            "cache hit ≤ 2 µs (key + memory hit, ≤ 1 KiB input)",
            "one task, " + hit.params().getOrDefault("input", "?") + " input",
            num(ns) + " ns",
            ns <= 2000);
      }
    }
    for (Row trip : rows) {
      if (trip.benchmark().equals("SubprocessBenchmark.emptyTask")
          && "warm".equals(trip.params().get("pool"))) {
        double ns = nanos(trip);
        target(
            out,
            "subprocess round trip ≤ 1 ms (warm worker, empty task)",
            "one task",
            num(ns / 1000) + " µs",
            ns <= 1_000_000);
      }
    }
    Row off = find("Flow10k.run", "recording", "off");
    Row on = find("Flow10k.run", "recording", "on");
    if (off != null && on != null) {
      target(
          out,
          "recording ≤ 10 % slower (10^4 tasks of 1 ms, thread pool)",
          "10^4 tasks",
          ratio(nanos(on), nanos(off)),
          nanos(on) <= 1.1 * nanos(off));
    }
    Row writer = find("Writer.transitions");
    if (writer != null) {
      target(
          out,
          "run-store writer ≥ 50,000 state transitions/s (SQLite)",
          "—",
          num(writer.score()) + " " + writer.unit(),
          writer.score() >= 50_000);
    }
    return out.append('\n').toString();
  }

  private static double nan(double v) {
    return Double.isNaN(v) ? Double.MAX_VALUE : v;
  }

  private static void target(
      StringBuilder out, String name, String shape, String value, boolean met) {
    if (value.contains("—")) {
      return;
    }
    out.append("| ").append(name).append(" | ").append(shape).append(" | ").append(value);
    out.append(" | ").append(met ? "yes" : "**no**").append(" |\n");
  }

  private static String cpu() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: fall through
    }
    return System.getProperty("os.arch");
  }

  private static String memory() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return String.format(
          Locale.ROOT, "%.0f GiB RAM", os.getTotalMemorySize() / (1024.0 * 1024 * 1024));
    }
    return "RAM unknown";
  }
}
