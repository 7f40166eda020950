package dev.sluice.client;

import dev.sluice.api.store.RunHistory;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStores;
import dev.sluice.api.store.StoredLogLine;
import dev.sluice.server.ServerStartException;
import dev.sluice.server.SluiceServer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A real Sluice server in this JVM over a real SQLite file, for the end-to-end tests. It stops as a
 * server does (its port then refuses connections) and starts again on the same port over the same
 * file, as a restarted server does.
 */
final class TestServer implements AutoCloseable {
  /** How long a test waits for a condition: generous, the machine may be loaded. */
  static final Duration PATIENCE = Duration.ofSeconds(60);

  /** A condition to wait for; may throw, which fails the wait. */
  @FunctionalInterface
  interface Condition {
    boolean met() throws Exception;
  }

  private final Path file;
  private int port;
  private @Nullable RunStore store;
  private @Nullable SluiceServer server;

  /** A server over {@code file}, not started; it listens on a free port when it first starts. */
  TestServer(Path file) {
    this(file, 0);
  }

  /** A server over {@code file} on {@code port}, not started. */
  TestServer(Path file, int port) {
    this.file = file;
    this.port = port;
  }

  /**
   * Opens the store and starts the server, on the port it had before (or was given). A port just
   * released (a server or listener on it closed) may take a moment to be free again, so binding is
   * tried again for a while.
   */
  TestServer start() throws InterruptedException {
    if (server != null) {
      throw new IllegalStateException("the server is running already");
    }
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      RunStore opened = RunStores.open(file.toString(), Map.of());
      try {
        SluiceServer started = SluiceServer.builder().store(opened).port(port).start();
        store = opened;
        server = started;
        port = started.port();
        return this;
      } catch (ServerStartException e) {
        opened.close();
        if (port == 0 || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  /** Stops the server and closes its store; its port refuses connections from now on. */
  void stop() {
    SluiceServer s = server;
    server = null;
    if (s != null) {
      s.close();
    }
    RunStore st = store;
    store = null;
    if (st != null) {
      st.close();
    }
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Closes the store under the running server, as a database that went away: the server answers 503
   * until it stops.
   */
  void loseStore() {
    RunStore st = store;
    store = null;
    if (st != null) {
      st.close();
    }
  }

  /** The port, which stays the same across restarts. */
  int port() {
    if (port == 0) {
      throw new IllegalStateException("the server never started, so it has no port yet");
    }
    return port;
  }

  /** The server's URL, e.g. {@code http://127.0.0.1:4200}. */
  String url() {
    return "http://127.0.0.1:" + port();
  }

  /** The store the running server serves: where a test reads what was stored. */
  RunStore store() {
    return Objects.requireNonNull(store, "the server is stopped");
  }

  RunHistory history() {
    return store().history();
  }

  /** Every log line the store holds for {@code run}, in the order it stored them. */
  List<StoredLogLine> logs(UUID run) {
    List<StoredLogLine> all = new ArrayList<>();
    long after = 0;
    while (true) {
      List<StoredLogLine> page = history().logs(run, after, 10_000);
      if (page.isEmpty()) {
        return all;
      }
      all.addAll(page);
      after = page.get(page.size() - 1).sequence();
    }
  }

  /** A port nothing listens on (just now). */
  static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Waits until {@code condition} is met, for up to {@link #PATIENCE}. */
  static void eventually(Condition condition) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.met()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the condition was not met within " + PATIENCE);
      }
      Thread.sleep(20);
    }
  }
}
