package dev.sluice.client;

import dev.sluice.api.settings.Settings;
import dev.sluice.api.store.ApiTokens;
import dev.sluice.api.store.CancelOutcome;
import dev.sluice.api.store.LogCapture;
import dev.sluice.api.store.LogCaptureProvider;
import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RunHistory;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.RunRecorder;
import dev.sluice.api.store.RunStore;
import dev.sluice.wire.journal.JournalDir;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run store that records through a Sluice server and reads the history it serves: the engine
 * opens it when {@code api.url} is set. Records go through {@link RecordSender} (batched, never
 * waiting on the network, journaled while the server is away); reads are requests ({@link
 * RemoteHistory}). Whether a run's process died, and marking such runs Crashed, is the server's
 * business, so {@link #isKnownDead} is false and {@link #markDeadRunsCrashed} marks none.
 */
final class RemoteRunStore implements RunStore {
  private static final Logger log = LoggerFactory.getLogger(RemoteRunStore.class);

  /** How long the JVM's exit waits for the server to take what is unsent, at most. */
  static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  private static final AtomicBoolean warnedNoCapture = new AtomicBoolean();

  private final SluiceClient client;
  private final ActiveRuns runs = new ActiveRuns();
  private final RecordSender sender;
  private final RemoteHistory history;
  private final RemoteTokens tokens;
  private final Duration closeTimeout;
  private final Thread shutdownHook;

  /** A store recording through {@code client}'s server, with the {@code api.*} settings. */
  RemoteRunStore(SluiceClient client, Settings settings) {
    this(
        client,
        ClientSettings.journalDir(settings),
        settings.get(ClientSettings.QUEUE),
        settings.get(ClientSettings.BATCH),
        settings.get(ClientSettings.TIMEOUT));
  }

  RemoteRunStore(
      SluiceClient client, Path journalDir, int queue, int batch, Duration closeTimeout) {
    this.client = client;
    this.closeTimeout = closeTimeout;
    this.sender =
        new RecordSender(
            UUID.randomUUID().toString(),
            client.url(),
            client::recordAsync,
            runs,
            new JournalDir(journalDir, client.url()),
            queue,
            batch);
    this.history = new RemoteHistory(client);
    this.tokens = new RemoteTokens(client);
    sender.start();
    // A program that ends without closing its Sluice still gets its records sent, or journaled.
    Duration atExit =
        closeTimeout.compareTo(SHUTDOWN_TIMEOUT) < 0 ? closeTimeout : SHUTDOWN_TIMEOUT;
    this.shutdownHook = new Thread(() -> sender.close(atExit), "sluice-client-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** The server's API URL, e.g. {@code http://127.0.0.1:4200/api/v1}. */
  @Override
  public String location() {
    return client.url();
  }

  @Override
  public RunRecorder recorder() {
    return sender;
  }

  @Override
  public RunHistory history() {
    return history;
  }

  /** False: whether a run's process is gone is the server's judgement. */
  @Override
  public boolean isKnownDead(RunOwner owner) {
    return false;
  }

  /** Marks none: the server marks the runs of dead processes. */
  @Override
  public int markDeadRunsCrashed() {
    return 0;
  }

  /**
   * Captures log lines with the {@link LogCaptureProvider} on the class path ({@code sluice-store}
   * brings one); without one, the capture is inactive and says so once, at WARN.
   */
  @Override
  public LogCapture captureLogs() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    Optional<LogCaptureProvider> provider =
        ServiceLoader.load(
                LogCaptureProvider.class,
                loader != null ? loader : RemoteRunStore.class.getClassLoader())
            .findFirst();
    if (provider.isPresent()) {
      return provider.get().install(new Sink());
    }
    if (warnedNoCapture.compareAndSet(false, true)) {
      log.warn(
          "runs recorded through the Sluice server at {} are recorded without their log lines: no"
              + " log capture is on the class path; add dev.sluice:sluice-store to capture log"
              + " lines",
          client.url());
    }
    return new NoCapture();
  }

  /** Where captured lines go: this store's records, for the runs it records. */
  private final class Sink implements LogCaptureProvider.Sink {
    @Override
    public @Nullable UUID activeRun(String flowRunId) {
      return runs.lookup(flowRunId);
    }

    @Override
    public void log(LogLine line) {
      sender.log(line);
    }
  }

  /** No capture is on the class path. */
  private record NoCapture() implements LogCapture {
    @Override
    public String backend() {
      return "none (add dev.sluice:sluice-store to capture log lines)";
    }

    @Override
    public boolean active() {
      return false;
    }

    @Override
    public void close() {}
  }

  /**
   * {@code POST /flow-runs/{id}/cancel}. The API takes no reason: the server records its own, which
   * names the token that asked.
   */
  @Override
  public CancelOutcome requestCancel(UUID flowRunId, String reason) {
    return RemoteHistory.call(() -> client.cancel(flowRunId));
  }

  /** Asks the server ({@code POST /records} with sequence 0 and these runs as active). */
  @Override
  public Set<UUID> cancelRequested(Collection<UUID> flowRunIds) {
    if (flowRunIds.isEmpty()) {
      return Set.of();
    }
    Set<UUID> requested =
        new HashSet<>(
            RemoteHistory.call(
                () ->
                    client
                        .record(sender.source(), 0, List.of(), List.copyOf(flowRunIds))
                        .cancelRequested()));
    requested.retainAll(Set.copyOf(flowRunIds));
    return Set.copyOf(requested);
  }

  /**
   * Tells {@code handler} of each cancel request of a run this store records, once per run, on the
   * sender's thread (it must return quickly): every answer of the server names them, and while runs
   * are unfinished the sender asks at least once a second.
   */
  @Override
  public void onCancelRequested(Consumer<UUID> handler) {
    sender.onCancelRequested(handler);
  }

  @Override
  public ApiTokens tokens() {
    return tokens;
  }

  /**
   * Sends what is unsent, for up to {@code api.timeout}; what the server did not take by then stays
   * in the journal for the next process (said at WARN). Then releases the connections.
   */
  @Override
  public void close() {
    try {
      sender.close(closeTimeout);
    } finally {
      client.close();
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is exiting: the hook runs or ran, and finds the sender closed
      }
    }
  }

  @Override
  public String toString() {
    return "run store through the Sluice server at " + client.url();
  }
}
