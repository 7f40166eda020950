package dev.sluice.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.jspecify.annotations.Nullable;

/** Gzip for answers: whether a caller accepts it, and the compressed form of a body. */
final class Gzip {
  /** For what is compressed once and served many times (the dashboard's files). */
  static final int BEST = Deflater.BEST_COMPRESSION;

  /** For what is compressed once per answer (the API's large answers). */
  static final int FAST = Deflater.BEST_SPEED;

  private Gzip() {}

  /** Whether the request's {@code Accept-Encoding} takes gzip (and does not refuse it, q=0). */
  static boolean accepted(Request request) {
    String accept = request.getHeaders().get(HttpHeader.ACCEPT_ENCODING);
    if (accept == null) {
      return false;
    }
    for (String part : accept.split(",")) {
      String[] pieces = part.strip().split(";");
      if (pieces[0].strip().equalsIgnoreCase("gzip")) {
        for (int i = 1; i < pieces.length; i++) {
          String p = pieces[i].strip().replace(" ", "");
          if (p.equals("q=0") || p.equals("q=0.0") || p.equals("q=0.00") || p.equals("q=0.000")) {
            return false;
          }
        }
        return true;
      }
    }
    return false;
  }

  /**
   * The gzip form of {@code bytes} at a deflate {@code level}, or null when it would not be
   * smaller.
   */
  static byte @Nullable [] compress(byte[] bytes, int level) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4 + 64);
    try (GZIPOutputStream gzip =
        new GZIPOutputStream(out, 8192) {
          {
            def.setLevel(level);
          }
        }) {
      gzip.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.size() < bytes.length ? out.toByteArray() : null;
  }
}
