package dev.sluice.cache;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.jspecify.annotations.Nullable;

/**
 * The one place Sluice hashes: SHA-256, rendered as lower-case hex. A {@link Sink} is an output
 * stream that feeds the digest directly, so encoders stream large values into the hash without
 * copying them.
 */
final class Sha256 {
  private static final MessageDigest PROTOTYPE;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  static {
    try {
      PROTOTYPE = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new ExceptionInInitializerError(e); // every JDK has SHA-256
    }
  }

  private Sha256() {}

  static MessageDigest digest() {
    try {
      return (MessageDigest) PROTOTYPE.clone();
    } catch (CloneNotSupportedException e) {
      throw new AssertionError("the JDK's SHA-256 can be cloned", e);
    }
  }

  static byte[] of(byte[] bytes) {
    return digest().digest(bytes);
  }

  static String hex(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
      out[2 * i + 1] = HEX[bytes[i] & 0xF];
    }
    return new String(out);
  }

  /**
   * An output stream into a digest. Each thread reuses one ({@link #acquire}), so hashing a key
   * allocates no digest state; a nested use on the same thread gets a fresh one.
   */
  static final class Sink extends OutputStream {
    private static final ThreadLocal<Sink> LOCAL = ThreadLocal.withInitial(Sink::new);

    final MessageDigest digest = digest();

    /**
     * The canonical JSON generator writing into this sink, kept between uses so a key does not set
     * one up each time; {@code null} until first needed, and dropped after a failed write.
     */
    @Nullable JsonGenerator json;

    private boolean busy;

    /** This thread's sink, reset; give it back with {@link #finish}. */
    static Sink acquire() {
      Sink sink = LOCAL.get();
      if (sink.busy) {
        sink = new Sink();
      } else {
        sink.digest.reset();
      }
      sink.busy = true;
      return sink;
    }

    @Override
    public void write(int b) {
      digest.update((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      digest.update(b, off, len);
    }

    /** The hash of what was written; the sink can be acquired again. */
    byte[] finish() {
      busy = false;
      return digest.digest();
    }

    /** Gives the sink back without a hash (after a failure). */
    void release() {
      busy = false;
    }
  }
}
