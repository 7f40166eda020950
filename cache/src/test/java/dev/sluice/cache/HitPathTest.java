package dev.sluice.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.cache.CacheHit;
import dev.sluice.api.cache.CacheKey;
import dev.sluice.api.cache.CacheSettings;
import dev.sluice.wire.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shortcuts of the hit path give exactly what the plain paths give. */
class HitPathTest {
  private static final ObjectMapper PLAIN = new ObjectMapper();

  @Test
  void longTextIsHashedAsJacksonWritesIt() throws Exception {
    // wire's CanonicalTest checks the encoding's shortcut itself, lone surrogates included
    String base = "deliver to the back door, ".repeat(4);
    for (String text :
        List.of(
            base,
            base + "?",
            "?" + base,
            base + "\"quoted\"",
            base + "back\\slash",
            base + "line\nbreak\ttab\u0001\u001f\u007f",
            base + "caf\u00e9",
            base + "\u20ac",
            base + "\ud83d\ude00",
            "x".repeat(63),
            "x".repeat(64),
            "y".repeat(5000))) {
      assertThat(Keys.encode(text)).isEqualTo(Sha256.of(PLAIN.writeValueAsBytes(text)));
    }
  }

  static final class Opaque {}

  @Test
  void aFailedEncodingLeavesNothingBehindForTheNext() throws Exception {
    byte[] before = Keys.encode(Map.of("a", List.of(1, 2, 3)));
    assertThatThrownBy(() -> Keys.encode(List.of(1, new Opaque()))).isInstanceOf(Exception.class);
    assertThat(Keys.encode(Map.of("a", List.of(1, 2, 3)))).isEqualTo(before);
    assertThat(Keys.encode(Map.of("a", List.of(1, 2, 3))))
        .isEqualTo(
            Sha256.of(Json.canonicalWriter().writeValueAsBytes(Map.of("a", List.of(1, 2, 3)))));
  }

  @Test
  void anImmutableResultIsReturnedAsItIsOnlyForItsOwnType() {
    CacheKey asInteger = new CacheKey("ab" + "0".repeat(62), List.of(), Integer.class);
    CacheKey asLong = new CacheKey("ab" + "0".repeat(62), List.of(), Long.class);
    CacheKey asObject = new CacheKey("ab" + "0".repeat(62), List.of(), Object.class);
    try (TieredCache c =
        new TieredCache(
            new CacheSettings(null, 1 << 20, false), java.time.InstantSource.system())) {
      assertThat(c.store(asInteger, 7, null)).isTrue();
      assertThat(c.lookup(asInteger)).isEqualTo(new CacheHit(7, "memory"));
      assertThat(c.lookup(asObject)).isEqualTo(new CacheHit(7, "memory"));
      assertThat(c.lookup(asLong)).isEqualTo(new CacheHit(7L, "memory")); // decoded, not kept
    }
  }
}
