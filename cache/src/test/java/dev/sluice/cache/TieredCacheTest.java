package dev.sluice.cache;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.api.cache.CacheHit;
import dev.sluice.api.cache.CacheKey;
import dev.sluice.api.cache.CacheSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The tiers with real files: round trips, corrupt and truncated entries, unwritable directories.
 */
class TieredCacheTest {
  @TempDir Path dir;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger("dev.sluice.Cache");

  record Point(int x, int y, LocalDate day) {}

  record Renamed(int x, int z) {}

  static final String KEY = "ab" + "0".repeat(62);

  static CacheKey key(java.lang.reflect.Type type) {
    return new CacheKey(KEY, List.of(), type);
  }

  @BeforeEach
  void listen() {
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void stop() {
    logger.detachAppender(logs);
  }

  private TieredCache cache(Path directory, long memory) {
    return new TieredCache(
        new CacheSettings(directory, memory, false), java.time.InstantSource.system());
  }

  private List<String> warnings() {
    return logs.list.stream()
        .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Test
  void memoryFirstThenDiskAndADiskHitIsCopiedToMemory() throws Exception {
    Point p = new Point(1, 2, LocalDate.of(2025, 5, 6));
    try (TieredCache writer = cache(dir, 1 << 20)) {
      assertThat(writer.store(key(Point.class), p, null)).isTrue();
      assertThat(writer.lookup(key(Point.class))).isEqualTo(new CacheHit(p, "memory"));
    }
    try (TieredCache reader = cache(dir, 1 << 20)) {
      assertThat(reader.lookup(key(Point.class))).isEqualTo(new CacheHit(p, "disk"));
      Files.delete(entryFile());
      assertThat(reader.lookup(key(Point.class))).isEqualTo(new CacheHit(p, "memory"));
    }
    try (TieredCache diskOnly = cache(dir, 0)) {
      assertThat(diskOnly.lookup(key(Point.class))).isNull();
    }
  }

  private Path entryFile() {
    return dir.resolve("ab").resolve(KEY + ".entry");
  }

  @Test
  void aCorruptOrTruncatedEntryIsAMissLoggedAndOverwritten() throws Exception {
    Point p = new Point(1, 2, LocalDate.of(2025, 5, 6));
    try (TieredCache c = cache(dir, 0)) {
      c.store(key(Point.class), p, null);
    }
    byte[] good = Files.readAllBytes(entryFile());

    // truncated, as by a crash while a non-atomic writer wrote it
    Files.write(entryFile(), Arrays.copyOf(good, good.length - 5));
    try (TieredCache c = cache(dir, 0)) {
      assertThat(c.lookup(key(Point.class))).isNull();
    }
    assertThat(warnings()).anySatisfy(w -> assertThat(w).contains("is corrupt").contains("bytes"));

    // one flipped payload byte: the checksum catches it
    byte[] flipped = good.clone();
    flipped[flipped.length - 3] ^= 1;
    Files.write(entryFile(), flipped);
    try (TieredCache c = cache(dir, 0)) {
      assertThat(c.lookup(key(Point.class))).isNull();
      assertThat(warnings()).anySatisfy(w -> assertThat(w).contains("checksum"));
      assertThat(c.store(key(Point.class), p, null)).isTrue();
      assertThat(c.lookup(key(Point.class))).isEqualTo(new CacheHit(p, "disk"));
    }
    assertThat(Files.readAllBytes(entryFile())).isEqualTo(good);

    // garbage
    Files.writeString(entryFile(), "not an entry");
    try (TieredCache c = cache(dir, 0)) {
      assertThat(c.lookup(key(Point.class))).isNull();
    }
  }

  @Test
  void writesLeaveNoTemporaryFilesAndAStrayOneIsIgnored() throws Exception {
    try (TieredCache c = cache(dir, 0)) {
      c.store(key(String.class), "v", null);
      // a crash between writing aside and renaming leaves only this:
      Files.writeString(entryFile().resolveSibling("." + KEY + ".123.tmp"), "SLUICE-CACHE 1\n{");
      assertThat(c.lookup(key(String.class))).isEqualTo(new CacheHit("v", "disk"));
    }
    try (Stream<Path> files = Files.list(entryFile().getParent())) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder(KEY + ".entry", "." + KEY + ".123.tmp");
    }
  }

  @Test
  void anUnwritableDirectoryDegradesToMemoryOnlyWithOneWarning() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    Path unusable = file.resolve("cache"); // a directory cannot be made under a file
    try (TieredCache c = cache(unusable, 1 << 20)) {
      assertThat(c.store(key(String.class), "v", null)).isTrue();
      assertThat(c.store(new CacheKey("cd" + "1".repeat(62), List.of(), String.class), "w", null))
          .isTrue();
      assertThat(c.lookup(key(String.class))).isEqualTo(new CacheHit("v", "memory"));
      assertThat(c.toString()).contains("not writable");
    }
    assertThat(warnings())
        .filteredOn(w -> w.contains("caching in memory only"))
        .hasSize(1)
        .allSatisfy(w -> assertThat(w).contains(unusable.toString()));
  }

  @Test
  void aResultWhoseClassChangedIsAMissLoggedAndDropped() throws Exception {
    try (TieredCache c = cache(dir, 1 << 20)) {
      c.store(key(Point.class), new Point(1, 2, LocalDate.of(2025, 1, 1)), null);
      // the task now declares another type under the same key (its class changed)
      assertThat(c.lookup(key(Renamed.class))).isNull();
      assertThat(warnings()).anySatisfy(w -> assertThat(w).contains("cannot be read back as"));
      assertThat(c.lookup(key(Point.class))).isNull(); // dropped from both tiers
    }
    assertThat(Files.exists(entryFile())).isFalse();
  }

  @Test
  void anExpiredEntryIsAMiss() throws Exception {
    try (TieredCache c = cache(dir, 1 << 20)) {
      c.store(key(String.class), "soon gone", Duration.ofMillis(1));
      c.store(
          new CacheKey("cd" + "1".repeat(62), List.of(), String.class), "kept", Duration.ofDays(1));
      Thread.sleep(20);
      assertThat(c.lookup(key(String.class))).isNull();
      assertThat(c.lookup(new CacheKey("cd" + "1".repeat(62), List.of(), String.class)))
          .isEqualTo(new CacheHit("kept", "memory"));
    }
    try (TieredCache c = cache(dir, 1 << 20)) {
      assertThat(c.lookup(key(String.class))).isNull(); // expired on disk too
    }
  }

  @Test
  void theMemoryTierIsBoundedByWeight() {
    try (TieredCache c = cache(null, 64 << 10)) {
      String big = "x".repeat(8 << 10);
      for (int i = 0; i < 100; i++) {
        c.store(new CacheKey(String.format("%064x", i), List.of(), String.class), big + i, null);
      }
      long held = 0;
      for (int i = 0; i < 100; i++) {
        if (c.lookup(new CacheKey(String.format("%064x", i), List.of(), String.class)) != null) {
          held++;
        }
      }
      assertThat(held).isBetween(1L, 8L);
    }
  }

  @Test
  void aNullResultAndAnUnknownResultTypeRoundTrip() {
    try (TieredCache c = cache(dir, 0)) {
      c.store(key(Void.class), null, null);
      assertThat(c.lookup(key(Void.class))).isEqualTo(new CacheHit(null, "disk"));
      c.store(key(Object.class), new Point(3, 4, LocalDate.of(2020, 1, 1)), null);
      assertThat(c.lookup(key(Object.class)))
          .isEqualTo(new CacheHit(new Point(3, 4, LocalDate.of(2020, 1, 1)), "disk"));
    }
  }
}
