package dev.sluice.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.ThreadMXBean;
import dev.sluice.api.CachePolicy;
import dev.sluice.api.cache.CacheKey;
import dev.sluice.api.cache.UncacheableException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Keys pinned to known values (stable across JVMs and machines), key parts, and bad inputs. */
class KeysTest {
  record Order(String id, List<Integer> lines, LocalDate day, byte[] blob, Kind kind) {}

  enum Kind {
    RUSH,
    NORMAL
  }

  @Test
  void keysArePinnedSoTheyStayStableAcrossJvmRuns() throws Exception {
    // If one of these changes, every user's cache is invalidated: bump Keys.FORMAT on purpose.
    assertThat(KeysProperties.hash(Map.of("b", 2, "a", List.of(1.0, "x")))).isEqualTo(PINNED_MAP);
    assertThat(
            KeysProperties.hash(
                new Order(
                    "o-1",
                    List.of(3, 1),
                    LocalDate.of(2024, 2, 29),
                    new byte[] {1, 2, 3},
                    Kind.RUSH)))
        .isEqualTo(PINNED_RECORD);
    assertThat(
            KeysProperties.hash(
                List.of(
                    Instant.parse("2024-01-01T00:00:00Z"),
                    Duration.ofSeconds(90),
                    Optional.of(5),
                    Set.of())))
        .isEqualTo(PINNED_TIME);
    CacheKey key =
        KeysProperties.key(
            CachePolicy.inputs()
                .and(CachePolicy.version("7"))
                .and(CachePolicy.parameters())
                .and(CachePolicy.runId()),
            List.of("a", "b"),
            List.of("hello", 42));
    assertThat(key.value()).isEqualTo(PINNED_KEY);
  }

  // The canonical encodings hashed (wire's CanonicalTest pins them):
  // {"a":[1,"x"],"b":2}
  static final String PINNED_MAP =
      "8cbd548a32262b76a6536efe4e7ba86a0e811fcd0475d83a43e10acd0615aa37";
  // {"blob":"AQID","day":"2024-02-29","id":"o-1","kind":"RUSH","lines":[3,1]}
  static final String PINNED_RECORD =
      "681427d13fea5e5e9ad77174b3b6b14687afce99ba517c8117ca088ccada5976";
  // ["2024-01-01T00:00:00Z","PT1M30S",5,[]]
  static final String PINNED_TIME =
      "33487f5a387a1fd630f032214cedf953bfe7ef7a9f3db50e01dc7fa30a8f6d6f";
  // Key format 2 (raw part hashes); format 1 gave 929ffff6bea8efc9…, which now simply misses.
  static final String PINNED_KEY =
      "377d99a7736d5c0dbc84cd47407c92fcdc5ee3da05ff43b2597b788636b1ad71";

  @Test
  void partsComeInAFixedOrderAndExcludedInputsAreLeftOut() throws Exception {
    CacheKey key =
        KeysProperties.key(
            CachePolicy.runId()
                .and(CachePolicy.inputs().excluding("token"))
                .and(CachePolicy.code())
                .and(CachePolicy.parameters())
                .and(CachePolicy.version("3"))
                .and(CachePolicy.key(inputs -> inputs.get("a"))),
            List.of("a", "token", "b"),
            List.of(1, "secret", 2));
    assertThat(key.parts().stream().map(CacheKey.Part::name))
        .containsExactly(
            "task", "version", "code", "key", "parameters", "run", "input:a", "input:b");
    CacheKey otherToken =
        KeysProperties.key(
            CachePolicy.runId()
                .and(CachePolicy.inputs().excluding("token"))
                .and(CachePolicy.code())
                .and(CachePolicy.parameters())
                .and(CachePolicy.version("3"))
                .and(CachePolicy.key(inputs -> inputs.get("a"))),
            List.of("a", "token", "b"),
            List.of(1, "another secret", 2));
    assertThat(otherToken.value()).isEqualTo(key.value());
    assertThat(key.parts()).allSatisfy(p -> assertThat(p.hash()).matches("[0-9a-f]{64}"));
  }

  @Test
  void theVersionChangesTheKey() throws Exception {
    assertThat(KeysProperties.key(CachePolicy.version("1"), List.of(), List.of()).value())
        .isNotEqualTo(KeysProperties.key(CachePolicy.version("2"), List.of(), List.of()).value());
  }

  static final class Opaque {
    private final Object lock = new Object();

    @Override
    public String toString() {
      return "opaque";
    }
  }

  @Test
  void anInputThatCannotBeEncodedIsNamedWithTheReason() {
    assertThatThrownBy(
            () -> KeysProperties.key(CachePolicy.inputs(), List.of("conn"), List.of(new Opaque())))
        .isInstanceOf(UncacheableException.class)
        .hasMessageContaining("task 'task'")
        .hasMessageContaining("input 'conn'")
        .hasMessageContaining(Opaque.class.getName())
        .hasMessageContaining("excluding");
    List<Object> cycle = new ArrayList<>();
    cycle.add(cycle);
    assertThatThrownBy(() -> KeysProperties.key(CachePolicy.inputs(), List.of("c"), List.of(cycle)))
        .isInstanceOf(UncacheableException.class)
        .hasMessageContaining("input 'c'");
  }

  @Test
  void aLargeInputIsStreamedIntoTheHashNotCopied() throws Exception {
    byte[] big = new byte[32 << 20];
    Arrays.fill(big, (byte) 7);
    ThreadMXBean bean = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    KeysProperties.hash(new byte[] {1}); // warm up Jackson's serializers
    long before = bean.getCurrentThreadAllocatedBytes();
    String hash = KeysProperties.hash(big);
    long allocated = bean.getCurrentThreadAllocatedBytes() - before;
    assertThat(hash).hasSize(64);
    // base64 of 32 MiB is 43 MiB; a copy of it (or of the input) would show up here
    assertThat(allocated).isLessThan(4L << 20);
  }
}
