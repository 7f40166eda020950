package dev.sluice.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Reads a Server-Sent Events stream to its end, for the tests. */
final class Sse {
  private Sse() {}

  record Event(String name, String id, String data) {}

  /** The events of {@code path} until the server ends the stream. */
  static List<Event> read(Http http, String path, @Nullable String lastEventId) {
    return read(http, path, lastEventId, e -> {});
  }

  /** Like {@link #read(Http, String, String)}, telling {@code each} of every event as it comes. */
  static List<Event> read(
      Http http,
      String path,
      @Nullable String lastEventId,
      java.util.function.Consumer<Event> each) {
    HttpRequest.Builder request = http.request(path).timeout(java.time.Duration.ofSeconds(60));
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    List<Event> events = new ArrayList<>();
    try {
      // Read as bytes: BodyHandlers.ofLines() holds lines back until its decoder's buffer fills.
      HttpResponse<java.io.InputStream> r =
          http.client().send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      if (r.statusCode() != 200) {
        throw new AssertionError("stream " + path + " answered " + r.statusCode());
      }
      String name = "message";
      String id = "";
      StringBuilder data = new StringBuilder();
      java.io.InputStream in = r.body();
      for (String line = readLine(in); line != null; line = readLine(in)) {
        if (line.isEmpty()) {
          if (data.length() > 0) {
            Event event = new Event(name, id, data.toString());
            events.add(event);
            each.accept(event);
          }
          name = "message";
          data.setLength(0);
        } else if (line.startsWith(":")) {
          Event comment = new Event("comment", "", line.substring(1).strip());
          events.add(comment);
          each.accept(comment);
        } else if (line.startsWith("event: ")) {
          name = line.substring(7);
        } else if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("data: ")) {
          data.append(line.substring(6));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return events;
  }

  private static @Nullable String readLine(java.io.InputStream in) throws IOException {
    java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
    for (int b = in.read(); b != -1; b = in.read()) {
      if (b == '\n') {
        return line.toString(java.nio.charset.StandardCharsets.UTF_8);
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(java.nio.charset.StandardCharsets.UTF_8);
  }
}
