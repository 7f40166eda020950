package dev.sluice.cache;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.sluice.api.cache.CacheHit;
import dev.sluice.api.cache.CacheKey;
import dev.sluice.api.cache.CacheSettings;
import dev.sluice.api.cache.KeyRequest;
import dev.sluice.api.cache.TaskCache;
import dev.sluice.api.cache.UncacheableException;
import dev.sluice.wire.Json;
import java.io.IOException;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.InstantSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task cache: memory first, then disk; a disk hit is copied into memory. Results are kept as
 * JSON and read back as the key's result type; an entry that no longer reads as that type (its
 * class changed) is a miss, logged and dropped.
 */
final class TieredCache implements TaskCache {
  private static final Logger log = LoggerFactory.getLogger("dev.sluice.Cache");

  private final @Nullable MemoryTier memory;
  private final @Nullable DiskTier disk;
  private final InstantSource clock;

  /** A cache whose entries expire by {@code clock}. */
  TieredCache(CacheSettings settings, InstantSource clock) {
    this.clock = clock;
    this.memory =
        settings.memoryWeightBytes() > 0
            ? new MemoryTier(settings.memoryWeightBytes(), clock)
            : null;
    this.disk = settings.directory() == null ? null : new DiskTier(settings.directory());
  }

  @Override
  public CacheKey key(KeyRequest request) throws UncacheableException {
    return Keys.key(request);
  }

  @Override
  public @Nullable CacheHit lookup(CacheKey key) {
    String k = key.value();
    long now = clock.millis();
    String source = "memory";
    Entry entry = memory == null ? null : memory.get(k);
    if (memory != null && entry != null && entry.expired(now)) {
      memory.invalidate(k);
      entry = null;
    }
    if (entry == null && disk != null) {
      source = "disk";
      entry = disk.read(k);
      if (entry != null && entry.expired(now)) {
        entry = null;
      } else if (entry != null && memory != null) {
        memory.put(k, entry);
      }
    }
    if (entry == null) {
      return null;
    }
    try {
      return new CacheHit(decode(entry, key.resultType()), source);
    } catch (IOException | ClassNotFoundException | RuntimeException | LinkageError e) {
      log.warn(
          "the cached result under key {} cannot be read back as {} ({}); recomputing it. If the"
              + " class changed since it was stored, this is expected",
          k,
          key.resultType().getTypeName(),
          e.getMessage());
      if (memory != null) {
        memory.invalidate(k);
      }
      if (disk != null) {
        disk.delete(k);
      }
      return null;
    }
  }

  private static @Nullable Object decode(Entry entry, Type declared)
      throws IOException, ClassNotFoundException {
    if (entry.typeName().equals("null")) {
      return null;
    }
    Object immutable = entry.immutable();
    if (immutable != null && (declared == immutable.getClass() || declared == Object.class)) {
      return immutable; // what decoding would give, without the work
    }
    Type type = declared;
    if (declared == Object.class) {
      // The task's result type is unknown: read back as the class the result was.
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      if (loader == null) {
        loader = TieredCache.class.getClassLoader();
      }
      type = Class.forName(entry.typeName(), false, loader);
    }
    JavaType javaType = Json.storedReader().getTypeFactory().constructType(type);
    return Json.storedReader().forType(javaType).readValue(entry.payload());
  }

  @Override
  public boolean store(CacheKey key, @Nullable Object value, @Nullable Duration expiry) {
    byte[] payload;
    try {
      ObjectWriter writer = Json.storedWriter();
      payload =
          key.resultType() == Object.class || value == null
              ? writer.writeValueAsBytes(value)
              : writer
                  .forType(writer.getTypeFactory().constructType(key.resultType()))
                  .writeValueAsBytes(value);
    } catch (IOException | RuntimeException e) {
      log.warn(
          "the result under key {} (a {}) cannot be stored as JSON ({}); it is not cached",
          key.value(),
          value == null ? "null" : value.getClass().getName(),
          e.getMessage());
      return false;
    }
    long expires =
        expiry == null
            ? Long.MAX_VALUE
            : clock.millis() + Math.min(expiry.toMillis(), Long.MAX_VALUE / 4);
    Entry entry = Entry.of(payload, value, expires);
    if (memory != null) {
      memory.put(key.value(), entry);
    }
    boolean written = disk != null && disk.write(key.value(), entry);
    return written || memory != null;
  }

  @Override
  public void close() {
    if (memory != null) {
      memory.clear();
    }
  }

  @Override
  public String toString() {
    return "TieredCache[memory="
        + (memory != null)
        + ", disk="
        + (disk == null ? "off" : disk.directory() + (disk.writable() ? "" : " (not writable)"))
        + "]";
  }
}
