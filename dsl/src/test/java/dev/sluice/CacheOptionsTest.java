package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.CachePolicy;
import dev.sluice.api.Flow;
import dev.sluice.api.spi.Step;
import dev.sluice.api.spi.TaskStep;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The cache options of task handles, and the body a cached step carries. */
class CacheOptionsTest {
  static int twice(int x) {
    return 2 * x;
  }

  private static Step<?> step(Flow<?> flow, String name) {
    return flow.steps().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void handlesSetCachePoliciesExpiryAndRefresh() {
    Flow<Void> flow =
        Flows.named("options")
            .define(
                f -> {
                  var n = f.param("n", Integer.class);
                  f.task("plain", n, CacheOptionsTest::twice);
                  f.task("default", n, CacheOptionsTest::twice).cache();
                  f.task("versioned", n, CacheOptionsTest::twice)
                      .cacheFor(Duration.ofHours(1))
                      .cache(CachePolicy.inputs(), CachePolicy.version("3"))
                      .refreshCache();
                  f.task("expiring", n, CacheOptionsTest::twice).cacheFor(Duration.ofMinutes(5));
                  f.map(
                          "each",
                          f.task("list", () -> java.util.List.of(1, 2)),
                          CacheOptionsTest::twice)
                      .cache(CachePolicy.code());
                });
    assertThat(step(flow, "plain").options().cachePolicy()).isEqualTo(CachePolicy.none());
    assertThat(step(flow, "default").options().cachePolicy())
        .isEqualTo(CachePolicy.inputs().and(CachePolicy.code()));
    CachePolicy versioned = step(flow, "versioned").options().cachePolicy();
    assertThat(versioned.includesInputs()).isTrue();
    assertThat(versioned.includesCode()).isFalse();
    assertThat(versioned.version()).isEqualTo("3");
    assertThat(versioned.expiry()).isEqualTo(Duration.ofHours(1)); // set before .cache(...), kept
    assertThat(versioned.isRefresh()).isTrue();
    CachePolicy expiring = step(flow, "expiring").options().cachePolicy();
    assertThat(expiring.includesInputs() && expiring.includesCode()).isTrue();
    assertThat(expiring.expiry()).isEqualTo(Duration.ofMinutes(5));
    assertThat(step(flow, "each").options().cachePolicy()).isEqualTo(CachePolicy.code());
  }

  @Test
  void aCachedStepNamesTheUsersFunctionAsItsCodeAndStillRunsIt() throws Exception {
    TaskFunction1<Integer, Integer> fn = CacheOptionsTest::twice;
    Flow<Void> flow =
        Flows.named("bodies")
            .define(
                f -> {
                  var n = f.param("n", Integer.class);
                  f.task("cached", n, fn).cache();
                  f.task("plain", n, fn);
                });
    TaskStep<?> cached = (TaskStep<?>) step(flow, "cached");
    TaskStep<?> plain = (TaskStep<?>) step(flow, "plain");
    assertThat(cached.body().implementation()).isSameAs(fn);
    assertThat(plain.body().implementation()).isSameAs(plain.body());
    dev.sluice.api.spi.Arguments args =
        new dev.sluice.api.spi.Arguments() {
          @Override
          public int size() {
            return 1;
          }

          @Override
          public Object get(int index) {
            return 21;
          }
        };
    assertThat(cached.body().invoke(args)).isEqualTo(42);
  }

  @Test
  void cacheWithOnlyNoneTurnsCachingOff() {
    Flow<Void> flow =
        Flows.named("off").define(f -> f.task("t", () -> 1).cache().cache(CachePolicy.none()));
    assertThat(step(flow, "t").options().cachePolicy()).isEqualTo(CachePolicy.none());
  }
}
