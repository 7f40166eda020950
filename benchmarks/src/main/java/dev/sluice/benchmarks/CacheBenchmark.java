package dev.sluice.benchmarks;

import dev.sluice.Flows;
import dev.sluice.Sluice;
import dev.sluice.TaskFunction1;
import dev.sluice.api.CachePolicy;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.cache.CacheHit;
import dev.sluice.api.cache.CacheKey;
import dev.sluice.api.cache.CacheProvider;
import dev.sluice.api.cache.CacheSettings;
import dev.sluice.api.cache.KeyRequest;
import dev.sluice.api.cache.TaskCache;
import dev.sluice.api.cache.UncacheableException;
import dev.sluice.api.spi.Arguments;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cache hit path, budget ≤ 2 µs for an input ≤ 1 KiB: {@code key} computes a cache key (task
 * identity, code fingerprint, one input of about 1 KiB of canonical JSON); {@code keyAndHit} adds
 * the memory-tier look-up and reads the result back; {@code flowHit} and {@code flowMiss} run a
 * one-task flow whose task is found in memory, or misses and is stored (keyed by run id), on the
 * local executor. Run: {@code java -jar benchmarks/target/benchmarks.jar CacheBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CacheBenchmark {
  /** An order: about 0.8–1 KiB of JSON. */
  public record Order(String id, LocalDate day, List<Integer> lines, Map<String, String> tags) {}

  /**
   * The 1 KiB input: {@code numbers}, an order with 150 integer lines (many small JSON tokens), or
   * {@code text}, the same order with its lines as one long note (few tokens).
   */
  @Param({"numbers", "text"})
  public String input;

  private TaskCache cache;
  private KeyRequest request;
  private Sluice sluice;
  private Flow<String> hitFlow;
  private Flow<String> missFlow;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    CacheProvider provider = ServiceLoader.load(CacheProvider.class).findFirst().orElseThrow();
    cache = provider.create(new CacheSettings(null, 64L << 20, false));
    List<Integer> lines = new ArrayList<>();
    int count = input.equals("numbers") ? 150 : 1;
    for (int i = 0; i < count; i++) {
      lines.add(i * 37);
    }
    Map<String, String> tags =
        input.equals("numbers")
            ? Map.of("region", "eu-west-1", "priority", "rush", "channel", "web")
            : Map.of("region", "eu-west-1", "note", "deliver to the back door, ".repeat(33));
    Order order = new Order("order-000123", LocalDate.of(2026, 11, 23), lines, tags);
    int size =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .findAndRegisterModules()
            .writeValueAsBytes(order)
            .length;
    if (size > 1024 || size < 768) {
      throw new IllegalStateException("input is " + size + " bytes, not about 1 KiB");
    }
    TaskFunction1<Order, String> fn = o -> o.id();
    Arguments args =
        new Arguments() {
          @Override
          public int size() {
            return 1;
          }

          @Override
          public Object get(int index) {
            return order;
          }
        };
    request =
        new KeyRequest(
            "bench",
            "summarize",
            "",
            CachePolicy.inputs().and(CachePolicy.code()),
            fn,
            String.class,
            List.of("order"),
            args,
            Map.of(),
            UUID.randomUUID());
    cache.store(cache.key(request), "order-000123", null);

    // Recording has its own benchmark (StoreBenchmark); here only the cache path is measured.
    sluice =
        Sluice.builder()
            .executor("local")
            .memoryOnlyCache()
            .discoverListeners(false)
            .setting("store", "off")
            .build();
    hitFlow =
        Flows.named("hit")
            .returning(f -> f.task("t", () -> "value").cache(CachePolicy.version("1")));
    missFlow =
        Flows.named("miss").returning(f -> f.task("t", () -> "value").cache(CachePolicy.runId()));
    sluice.run(hitFlow);
  }

  @Benchmark
  public CacheKey key() throws UncacheableException {
    return cache.key(request);
  }

  @Benchmark
  public CacheHit keyAndHit() throws UncacheableException {
    CacheHit hit = cache.lookup(cache.key(request));
    if (hit == null) {
      throw new IllegalStateException("expected a hit");
    }
    return hit;
  }

  @Benchmark
  public FlowRun flowHit() {
    FlowRun run = sluice.run(hitFlow);
    if (!(run.taskRun("t").orElseThrow().state() instanceof dev.sluice.api.State.Cached)) {
      throw new IllegalStateException("expected Cached, got " + run.summary());
    }
    return run;
  }

  @Benchmark
  public FlowRun flowMiss() {
    return sluice.run(missFlow);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    sluice.close();
    cache.close();
  }
}
