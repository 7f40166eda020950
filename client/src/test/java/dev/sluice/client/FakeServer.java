package dev.sluice.client;

import dev.sluice.client.SluiceClient.RecordAnswer;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code POST /records} as the server answers it, without HTTP: it stores a batch whose sequence is
 * above the last stored for its source, and names the active runs with a cancel request. It can be
 * down, hang, or refuse.
 */
final class FakeServer implements RecordSender.Poster {
  static final String URL = "http://127.0.0.1:1/api/v1";

  enum Mode {
    UP,
    DOWN,
    HANG
  }

  /** One request: its source, sequence, record count and active runs. */
  record Post(String source, long sequence, int records, List<UUID> active) {}

  volatile Mode mode = Mode.UP;

  /** The status of the next answers, counted down: 400 (refused) or 401 (bad token). */
  final AtomicInteger refuseNext = new AtomicInteger();

  volatile int refuseWith = 400;

  final List<Post> posts = new CopyOnWriteArrayList<>();
  final Set<UUID> cancels = ConcurrentHashMap.newKeySet();
  final List<CompletableFuture<RecordAnswer>> hanging = new CopyOnWriteArrayList<>();
  private final List<Object> stored = new ArrayList<>();
  private final Map<String, Long> last = new HashMap<>();
  private int repeats;

  @Override
  public CompletableFuture<RecordAnswer> post(
      String source, long sequence, List<Object> records, List<UUID> active) {
    posts.add(new Post(source, sequence, records.size(), List.copyOf(active)));
    if (refuseNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return CompletableFuture.failedFuture(
          new SluiceApiException(
              URL, refuseWith, "bad-request", "records[0]: refused by the test"));
    }
    switch (mode) {
      case DOWN -> {
        return CompletableFuture.failedFuture(
            new UncheckedIOException(
                "cannot reach the Sluice server at " + URL + " (connection refused)",
                new ConnectException("Connection refused")));
      }
      case HANG -> {
        CompletableFuture<RecordAnswer> never = new CompletableFuture<>();
        hanging.add(never);
        return never;
      }
      case UP -> {}
    }
    synchronized (this) {
      if (sequence > 0) {
        if (sequence > last.getOrDefault(source, 0L)) {
          stored.addAll(records);
          last.put(source, sequence);
        } else {
          repeats++;
        }
      }
    }
    Set<UUID> requested = new HashSet<>(active);
    requested.retainAll(cancels);
    return CompletableFuture.completedFuture(new RecordAnswer(requested));
  }

  synchronized List<Object> stored() {
    return List.copyOf(stored);
  }

  synchronized int repeats() {
    return repeats;
  }
}
