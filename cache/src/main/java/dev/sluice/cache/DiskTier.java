package dev.sluice.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.wire.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk tier: one file per key, {@code DIR/ab/abcdef….entry}. A file is a magic line, a header
 * line of JSON (key, type, expiry, payload length and SHA-256) and the payload. Writes go to a
 * temporary file beside the entry, then are renamed over it atomically, so a crash mid-write leaves
 * at most a stray temporary file, never an entry that reads as valid. A file that does not check
 * out (truncated, corrupt, another key) is a miss, logged and deleted so the next write replaces
 * it. When the directory cannot be written (read-only, disk full), the tier turns itself off with
 * one warning and the cache goes on in memory.
 */
final class DiskTier {
  private static final Logger log = LoggerFactory.getLogger("dev.sluice.Cache");
  private static final byte[] MAGIC = "SLUICE-CACHE 1\n".getBytes(StandardCharsets.US_ASCII);

  private final Path directory;
  private volatile boolean writable = true;

  DiskTier(Path directory) {
    this.directory = directory;
  }

  Path directory() {
    return directory;
  }

  boolean writable() {
    return writable;
  }

  Path file(String key) {
    return directory.resolve(key.substring(0, 2)).resolve(key + ".entry");
  }

  /** The entry for {@code key}, or null when there is none or it does not check out. */
  @Nullable Entry read(String key) {
    Path file = file(key);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | SecurityException e) {
      log.warn("cannot read cache entry {} ({}); treating it as a miss", file, e.toString());
      return null;
    }
    try {
      return parse(key, bytes);
    } catch (IOException | RuntimeException e) {
      log.warn(
          "cache entry {} is corrupt ({}); treating it as a miss and replacing it",
          file,
          e.getMessage());
      delete(file);
      return null;
    }
  }

  private static Entry parse(String key, byte[] bytes) throws IOException {
    if (bytes.length < MAGIC.length
        || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new IOException("it does not start with the Sluice cache header");
    }
    int newline = -1;
    for (int i = MAGIC.length; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        newline = i;
        break;
      }
    }
    if (newline < 0) {
      throw new IOException("its header is truncated");
    }
    JsonNode header = Json.storedReader().readTree(bytes, MAGIC.length, newline - MAGIC.length);
    if (!key.equals(header.path("key").asText())) {
      throw new IOException("it holds key " + header.path("key").asText());
    }
    long length = header.path("length").asLong(-1);
    int start = newline + 1;
    if (length != bytes.length - start) {
      throw new IOException(
          "its payload has " + (bytes.length - start) + " bytes, the header says " + length);
    }
    byte[] payload = Arrays.copyOfRange(bytes, start, bytes.length);
    if (!Sha256.hex(Sha256.of(payload)).equals(header.path("sha256").asText())) {
      throw new IOException("its payload does not match its checksum");
    }
    String type = header.path("type").asText("");
    if (type.isEmpty()) {
      throw new IOException("its header names no type");
    }
    return new Entry(payload, type, header.path("expires").asLong(Long.MAX_VALUE));
  }

  /** Writes an entry atomically; false (and the tier off) if the directory cannot be written. */
  boolean write(String key, Entry entry) {
    if (!writable) {
      return false;
    }
    Path file = file(key);
    Path temp = null;
    try {
      Files.createDirectories(file.getParent());
      ObjectNode header = JsonNodeFactory.instance.objectNode();
      header.put("key", key);
      header.put("type", entry.typeName());
      header.put("expires", entry.expiresAtMillis());
      header.put("length", entry.payload().length);
      header.put("sha256", Sha256.hex(Sha256.of(entry.payload())));
      byte[] head = Json.storedWriter().writeValueAsBytes(header);
      byte[] all = new byte[MAGIC.length + head.length + 1 + entry.payload().length];
      System.arraycopy(MAGIC, 0, all, 0, MAGIC.length);
      System.arraycopy(head, 0, all, MAGIC.length, head.length);
      all[MAGIC.length + head.length] = '\n';
      System.arraycopy(
          entry.payload(), 0, all, MAGIC.length + head.length + 1, entry.payload().length);
      temp =
          file.resolveSibling(
              "." + key + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
      Files.write(temp, all);
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      return true;
    } catch (IOException | SecurityException e) {
      if (temp != null) {
        delete(temp);
      }
      disable(e);
      return false;
    }
  }

  void delete(String key) {
    delete(file(key));
  }

  private void disable(Exception cause) {
    if (writable) {
      writable = false;
      log.warn(
          "cannot write to the cache directory {} ({}); caching in memory only from now on. Fix"
              + " its permissions or free space, or set sluice.cache.dir to another directory",
          directory,
          cause.toString());
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException | SecurityException e) {
      // a read-only directory: the entry stays a miss and the next write reports the directory
    }
  }
}
