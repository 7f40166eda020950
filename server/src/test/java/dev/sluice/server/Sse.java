package dev.sluice.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Reads a Server-Sent Events stream to its end, for the tests. */
final class Sse {
  private Sse() {}

  record Event(String name, String id, String data) {}

  /** The events of {@code path} until the server ends the stream. */
  static List<Event> read(Http http, String path, @Nullable String lastEventId) {
    HttpRequest.Builder request = http.request(path).timeout(java.time.Duration.ofSeconds(60));
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    List<Event> events = new ArrayList<>();
    try {
      HttpResponse<java.util.stream.Stream<String>> r =
          http.client().send(request.GET().build(), HttpResponse.BodyHandlers.ofLines());
      if (r.statusCode() != 200) {
        throw new AssertionError("stream " + path + " answered " + r.statusCode());
      }
      String name = "message";
      String id = "";
      StringBuilder data = new StringBuilder();
      Iterator<String> lines = r.body().iterator();
      while (lines.hasNext()) {
        String line = lines.next();
        if (line.isEmpty()) {
          if (data.length() > 0) {
            events.add(new Event(name, id, data.toString()));
          }
          name = "message";
          data.setLength(0);
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
}
