package dev.sluice.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flows;
import dev.sluice.Sluice;
import dev.sluice.api.CachePolicy;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.State;
import dev.sluice.api.TaskRun;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.TaskRunDetail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cached tasks run through the real engine, DSL and executors against this module's cache. */
class CachingTest {
  @TempDir Path dir;

  record Report(String title, List<Integer> values, LocalDate day) {}

  static final AtomicInteger BUILDS = new AtomicInteger();

  static Report build(String title, Integer n) {
    BUILDS.incrementAndGet();
    return new Report(title + "!", List.of(n, n * 2), LocalDate.of(2024, 1, n));
  }

  private Flow<Report> flow() {
    return Flows.named("reports")
        .returning(
            f -> {
              var title = f.param("title", String.class);
              var n = f.task("n", () -> 3);
              return f.task("build", title, n, CachingTest::build).cache();
            });
  }

  private Sluice sluice() {
    return Sluice.builder().executor("local").cacheDirectory(dir).build();
  }

  @Test
  void aSecondRunReusesTheResultFromMemoryThenFromDiskInANewInstance() {
    BUILDS.set(0);
    Flow<Report> flow = flow();
    FlowRun first;
    FlowRun second;
    try (Sluice sluice = sluice()) {
      first = sluice.run(flow, Map.of("title", "q1"));
      second = sluice.run(flow, Map.of("title", "q1"));
    }
    FlowRun third;
    try (Sluice sluice = sluice()) {
      third = sluice.run(flow, Map.of("title", "q1"));
    }
    assertThat(BUILDS).hasValue(1);
    TaskRun miss = first.taskRun("build").orElseThrow();
    assertThat(miss.state()).isEqualTo(State.COMPLETED);
    assertThat(miss.cacheKey()).isPresent();
    String key = miss.cacheKey().orElseThrow();
    assertThat(key).matches("[0-9a-f]{64}");
    assertThat(second.taskRun("build").orElseThrow().state())
        .isEqualTo(new State.Cached(key, "memory"));
    assertThat(third.taskRun("build").orElseThrow().state())
        .isEqualTo(new State.Cached(key, "disk"));
    assertThat(third.taskRun("build").orElseThrow().cacheKey()).contains(key);
    assertThat(third.taskRun("build").orElseThrow().attempts()).isZero();
    // read back as the declared type, equal to what was computed
    assertThat(third.result())
        .isEqualTo(new Report("q1!", List.of(3, 6), LocalDate.of(2024, 1, 3)));
    assertThat(third.state().isCompleted()).isTrue();
    // the uncached task has no key
    assertThat(third.taskRun("n").orElseThrow().cacheKey()).isEmpty();
  }

  @Test
  void theRunHistoryRecordsTheKeyOfAMissAndOfAHit() {
    Flow<Report> flow = flow();
    try (Sluice sluice =
        Sluice.builder()
            .executor("local")
            .cacheDirectory(dir.resolve("cache"))
            .setting("store", dir.resolve("runs.db").toString())
            .build()) {
      FlowRun miss = sluice.run(flow, Map.of("title", "q3"));
      FlowRun hit = sluice.run(flow, Map.of("title", "q3"));
      RunStore store = sluice.runStore().orElseThrow();
      assertThat(store.recorder().flush(Duration.ofSeconds(30))).isTrue();

      String key = miss.taskRun("build").orElseThrow().cacheKey().orElseThrow();
      assertThat(hit.taskRun("build").orElseThrow().state()).isInstanceOf(State.Cached.class);
      for (FlowRun run : List.of(miss, hit)) {
        TaskRunDetail build =
            store.history().flowRun(run.id()).orElseThrow().taskRuns().stream()
                .filter(t -> t.name().equals("build"))
                .findFirst()
                .orElseThrow();
        assertThat(build.cacheKey()).as(run.state().name()).isEqualTo(key);
      }
      TaskRunDetail n =
          store.history().flowRun(miss.id()).orElseThrow().taskRuns().stream()
              .filter(t -> t.name().equals("n"))
              .findFirst()
              .orElseThrow();
      assertThat(n.cacheKey()).isNull();
    }
  }

  @Test
  void differentInputsMissAndTheDiskHoldsOneEntryPerKey() throws Exception {
    BUILDS.set(0);
    try (Sluice sluice = sluice()) {
      sluice.run(flow(), Map.of("title", "a"));
      sluice.run(flow(), Map.of("title", "b"));
      sluice.run(flow(), Map.of("title", "a"));
    }
    assertThat(BUILDS).hasValue(2);
    try (var files = Files.walk(dir)) {
      assertThat(files.filter(p -> p.toString().endsWith(".entry")).count()).isEqualTo(2);
    }
  }

  @Test
  void refreshRecomputesAndOverwrites() {
    AtomicInteger runs = new AtomicInteger();
    Flow<Integer> plain =
        Flows.named("refresh")
            .returning(
                f -> f.task("count", () -> runs.incrementAndGet()).cache(CachePolicy.version("1")));
    Flow<Integer> refreshing =
        Flows.named("refresh")
            .returning(
                f ->
                    f.task("count", () -> runs.incrementAndGet())
                        .cache(CachePolicy.version("1"))
                        .refreshCache());
    try (Sluice sluice = sluice()) {
      assertThat(sluice.run(plain).result()).isEqualTo(1);
      assertThat(sluice.run(plain).result()).isEqualTo(1);
      FlowRun refreshed = sluice.run(refreshing);
      assertThat(refreshed.taskRun("count").orElseThrow().state()).isEqualTo(State.COMPLETED);
      assertThat(refreshed.result()).isEqualTo(2);
      FlowRun after = sluice.run(plain);
      assertThat(after.taskRun("count").orElseThrow().state()).isInstanceOf(State.Cached.class);
      assertThat(after.result()).isEqualTo(2);
    }
  }
}
