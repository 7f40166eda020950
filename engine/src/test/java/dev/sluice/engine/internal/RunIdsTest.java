package dev.sluice.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class RunIdsTest {

  /** The 48-bit Unix millisecond timestamp of a UUIDv7. */
  private static long millis(UUID id) {
    return id.getMostSignificantBits() >>> 16;
  }

  /** Compares as RFC 9562 orders ids: unsigned, most significant bits first. */
  private static int compare(UUID a, UUID b) {
    int c = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
    return c != 0
        ? c
        : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
  }

  private static List<UUID> all(RunIds.Block block, int count) {
    List<UUID> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add(block.get(i));
    }
    return ids;
  }

  private static void assertStrictlyIncreasing(List<UUID> ids) {
    for (int i = 1; i < ids.size(); i++) {
      UUID previous = ids.get(i - 1);
      UUID current = ids.get(i);
      assertThat(compare(previous, current)).as("%s before %s", previous, current).isNegative();
      // The text form sorts the same way, which is what makes v7 ids useful as database keys.
      assertThat(previous.toString()).isLessThan(current.toString());
    }
  }

  @Test
  void idsAreVersion7WithTheRfcVariant() {
    RunIds.Block block = RunIds.reserve(10);

    for (UUID id : all(block, 10)) {
      assertThat(id.version()).isEqualTo(7);
      assertThat(id.variant()).isEqualTo(2);
      assertThat(id.toString().charAt(14)).isEqualTo('7');
      assertThat(id.toString().charAt(19)).isIn('8', '9', 'a', 'b');
    }
  }

  @Test
  void idsOfABlockAreStrictlyIncreasing() {
    assertStrictlyIncreasing(all(RunIds.reserve(100), 100));
  }

  @Test
  void blockLargerThanOneMillisecondOfSequenceNumbersStaysOrderedAndWellFormed() {
    // 12 bits of sequence per millisecond: 10,000 ids carry over into the timestamp twice.
    List<UUID> ids = all(RunIds.reserve(10_000), 10_000);

    assertStrictlyIncreasing(ids);
    assertThat(ids).allSatisfy(id -> assertThat(id.version()).isEqualTo(7));
    assertThat(ids).allSatisfy(id -> assertThat(id.variant()).isEqualTo(2));
    assertThat(millis(ids.get(9_999)) - millis(ids.get(0))).isBetween(2L, 3L);
  }

  @Test
  void idsAreStrictlyIncreasingAcrossBlocks() {
    List<UUID> ids = new ArrayList<>();
    for (int b = 0; b < 1_000; b++) {
      int size = 1 + b % 7;
      ids.addAll(all(RunIds.reserve(size), size));
    }

    // Ordered by their timestamp and sequence; the random tail differs between blocks.
    for (int i = 1; i < ids.size(); i++) {
      assertThat(
              Long.compareUnsigned(
                  ids.get(i - 1).getMostSignificantBits(), ids.get(i).getMostSignificantBits()))
          .isNegative();
    }
  }

  @Test
  void idsOfABlockShareTheirRandomBitsAndBlocksDoNot() {
    RunIds.Block first = RunIds.reserve(3);
    RunIds.Block second = RunIds.reserve(3);

    assertThat(first.get(0).getLeastSignificantBits())
        .isEqualTo(first.get(2).getLeastSignificantBits());
    assertThat(first.leastSignificantBits()).isNotEqualTo(second.leastSignificantBits());
  }

  @Test
  void timestampIsCloseToNow() {
    long before = System.currentTimeMillis();
    UUID id = RunIds.reserve(1).get(0);
    long after = System.currentTimeMillis();

    // Never behind the clock; ahead of it only by what earlier reservations in this JVM took
    // (4,096 ids per millisecond), which is far less than a minute.
    assertThat(millis(id)).isBetween(before, after + 60_000);
  }

  @Test
  void concurrentReservationsNeverHandOutTheSameId() throws Exception {
    int threads = 8;
    int reservationsPerThread = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<List<UUID>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Callable<List<UUID>> reserve =
            () -> {
              start.await();
              List<UUID> mine = new ArrayList<>();
              for (int r = 0; r < reservationsPerThread; r++) {
                int size = ThreadLocalRandom.current().nextInt(1, 20);
                mine.addAll(all(RunIds.reserve(size), size));
              }
              return mine;
            };
        futures.add(pool.submit(reserve));
      }
      start.countDown();

      Set<UUID> unique = new HashSet<>();
      Set<Long> counters = new HashSet<>();
      int total = 0;
      for (Future<List<UUID>> future : futures) {
        List<UUID> mine = future.get();
        // Each thread sees its own ids in increasing order.
        for (int i = 1; i < mine.size(); i++) {
          assertThat(
                  Long.compareUnsigned(
                      mine.get(i - 1).getMostSignificantBits(),
                      mine.get(i).getMostSignificantBits()))
              .isNegative();
        }
        for (UUID id : mine) {
          unique.add(id);
          counters.add(id.getMostSignificantBits());
        }
        total += mine.size();
      }
      assertThat(unique).hasSize(total);
      // Stronger than unique ids: no two reservations overlap in timestamp and sequence at all.
      assertThat(counters).hasSize(total);
    } finally {
      pool.shutdownNow();
    }
  }
}
