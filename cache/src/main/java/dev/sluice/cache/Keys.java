package dev.sluice.cache;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.sluice.api.CachePolicy;
import dev.sluice.api.cache.CacheKey;
import dev.sluice.api.cache.KeyRequest;
import dev.sluice.api.cache.UncacheableException;
import dev.sluice.wire.Json;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Computes cache keys: SHA-256 over the parts a {@link CachePolicy} names, in a fixed order — task
 * identity, version, code, custom key, parameters, run id, then each input in argument order. Each
 * part is hashed on its own (so the parts can be logged to explain a miss), then the key hashes the
 * parts' names and raw 32-byte hashes in order, after a format tag that changes if the encoding
 * ever does. Only the parts are rendered as hex, for the {@link CacheKey}; the key's own digest
 * never hashes hex text.
 */
final class Keys {
  /**
   * Bumped whenever the encoding changes, so old entries are never misread: a key of another format
   * is another file name, so an old entry simply misses. Format 1 hashed the parts' hex text; 2
   * hashes their raw bytes.
   */
  static final String FORMAT = "sluice-cache-key/2";

  private Keys() {}

  /** A task's identity; its hash is worked out once per task. */
  private record Identity(String flow, String task, String version) {}

  /** A part with its raw hash, which the key's digest takes (its hex form is for people). */
  private record RawPart(CacheKey.Part part, byte[] hash) {}

  private static final com.github.benmanes.caffeine.cache.Cache<Identity, RawPart> IDENTITIES =
      com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
          .maximumSize(10_000)
          .executor(Runnable::run)
          .build();

  static CacheKey key(KeyRequest request) throws UncacheableException {
    CachePolicy policy = request.policy();
    List<RawPart> parts = new ArrayList<>(4 + request.inputNames().size());
    parts.add(
        IDENTITIES.get(
            new Identity(request.flowName(), request.taskName(), request.taskVersion()),
            id -> part("task", text(id.flow() + "\u0000" + id.task() + "\u0000" + id.version()))));
    if (policy.version() != null) {
      parts.add(part("version", text(policy.version())));
    }
    CodeFingerprint.Code code = CodeFingerprint.of(request.implementation());
    if (policy.includesCode()) {
      parts.add(new RawPart(new CacheKey.Part("code", code.hash()), code.rawHash()));
    }
    if (policy.keyFunction() != null) {
      Object custom;
      try {
        custom = policy.keyFunction().key(named(request));
      } catch (Exception e) {
        throw new UncacheableException(
            "task '" + request.taskName() + "': its cache key function threw " + e, e);
      }
      parts.add(part("key", encode(request, null, custom)));
    }
    if (policy.includesParameters()) {
      Map<String, @Nullable Object> sorted = new TreeMap<>(request.parameters());
      parts.add(part("parameters", encode(request, "", sorted)));
    }
    if (policy.includesRunId()) {
      parts.add(part("run", text(request.flowRunId().toString())));
    }
    if (policy.includesInputs()) {
      List<String> names = request.inputNames();
      for (int i = 0; i < names.size(); i++) {
        String name = names.get(i);
        if (!policy.excluded().contains(name)) {
          parts.add(part("input:" + name, encode(request, name, request.inputs().get(i))));
        }
      }
    }
    Sha256.Sink sink = Sha256.Sink.acquire();
    byte[] key;
    try {
      MessageDigest digest = sink.digest;
      CodeFingerprint.update(digest, FORMAT);
      for (RawPart p : parts) {
        CodeFingerprint.update(digest, p.part().name());
        digest.update(p.hash()); // always 32 bytes: no separator needed
      }
      key = sink.finish();
    } finally {
      sink.release();
    }
    CacheKey.Part[] named = new CacheKey.Part[parts.size()];
    for (int i = 0; i < named.length; i++) {
      named[i] = parts.get(i).part();
    }
    Type type = code.resultType() != Object.class ? code.resultType() : request.declaredType();
    return new CacheKey(Sha256.hex(key), Arrays.asList(named), type);
  }

  private static final ObjectWriter CANONICAL_WRITER = Json.canonicalWriter();

  private static Map<String, @Nullable Object> named(KeyRequest request) {
    Map<String, @Nullable Object> inputs = new LinkedHashMap<>();
    for (int i = 0; i < request.inputNames().size(); i++) {
      inputs.put(request.inputNames().get(i), request.inputs().get(i));
    }
    return inputs;
  }

  private static RawPart part(String name, byte[] hash) {
    return new RawPart(new CacheKey.Part(name, Sha256.hex(hash)), hash);
  }

  private static byte[] text(String text) {
    return Sha256.of(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The hash of a value's canonical encoding, streamed into the digest. */
  static byte[] encode(@Nullable Object value) throws IOException {
    Sha256.Sink sink = Sha256.Sink.acquire();
    boolean done = false;
    try {
      JsonGenerator json = sink.json;
      if (json == null) {
        json = CANONICAL_WRITER.createGenerator(sink);
        sink.json = json;
      }
      CANONICAL_WRITER.writeValue(json, value);
      json.flush();
      done = true;
      return sink.finish();
    } finally {
      if (!done) {
        sink.json = null; // a failed write may leave it mid-value
        sink.release();
      }
    }
  }

  /**
   * Encodes an input ({@code input} its name), the flow parameters ({@code ""}) or the custom key
   * ({@code null}).
   */
  private static byte[] encode(KeyRequest request, @Nullable String input, @Nullable Object value)
      throws UncacheableException {
    try {
      return encode(value);
    } catch (IOException | RuntimeException | StackOverflowError e) {
      String what =
          input == null
              ? "the value of its cache key function"
              : input.isEmpty() ? "the flow parameters" : "input '" + input + "'";
      String reason =
          e instanceof JsonProcessingException j ? j.getOriginalMessage() : String.valueOf(e);
      throw new UncacheableException(
          "task '"
              + request.taskName()
              + "' of flow '"
              + request.flowName()
              + "': "
              + what
              + (value == null ? "" : " (a " + value.getClass().getName() + ")")
              + " cannot be encoded for its cache key: "
              + reason
              + ". Make it a value Jackson can serialize (a record, a bean, a collection...), or"
              + " leave it out of the key with CachePolicy.excluding(...)",
          e);
    }
  }
}
