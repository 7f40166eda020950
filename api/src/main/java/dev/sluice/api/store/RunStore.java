package dev.sluice.api.store;

import java.util.Collection;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * An open run-history database: its write side for the engine and its read side for tools. Open one
 * with {@link RunStores#open}; it is thread-safe. Closing it flushes everything recorded so far,
 * then releases the database.
 */
public interface RunStore extends AutoCloseable {
  /** Where the store lives: the SQLite file's absolute path, or the JDBC URL without password. */
  String location();

  /** The write side, fed by the engine. */
  RunRecorder recorder();

  /** The read side. */
  RunHistory history();

  /**
   * Whether the process that ran {@code owner}'s runs is known to be gone: it ran on this host and
   * its process id is no longer alive, or now belongs to a process that started at a different
   * time. False when it may be alive, and for owners on other hosts, whose liveness this store
   * cannot see yet.
   */
  boolean isKnownDead(RunOwner owner);

  /**
   * Marks Crashed every flow run (and its unfinished task runs) still recorded as unfinished whose
   * owning process is known to be dead: it ran on this host and its process id is no longer alive,
   * or now belongs to a process that started at a different time. Runs of other hosts are left
   * alone. The engine calls this when it opens the store.
   *
   * @return how many flow runs were marked Crashed
   */
  int markDeadRunsCrashed();

  /**
   * After {@link #close}: how many records handed over were not stored in the database — kept in a
   * journal for the next store that opens it (the ERROR at close names the file), or lost. A batch
   * job exits non-zero when it is not 0.
   */
  default long unstoredAtClose() {
    return 0;
  }

  /**
   * Starts storing the log lines of this store's flow runs: every line logged through SLF4J with
   * the MDC key {@code flow_run_id} of a run recorded here (task code's lines and the engine's own
   * messages), as far as the backend's configuration lets the line through. Supported backends are
   * Logback, Log4j 2 and {@code java.util.logging}; for any other the capture is not {@linkplain
   * LogCapture#active() active} and says why once, at WARN.
   */
  LogCapture captureLogs();

  /**
   * Asks for flow run {@code flowRunId} to be cancelled, from any process: a run whose process may
   * be alive gets a stored request that its process acts on ({@link #onCancelRequested}); a run
   * whose process is known to be gone is marked Cancelled with its unfinished task runs. Committed
   * when it returns.
   *
   * @param reason why, recorded with the Cancelled state (e.g. {@code "cancelled by the server"})
   */
  CancelOutcome requestCancel(UUID flowRunId, String reason);

  /**
   * Which of {@code flowRunIds} have a cancel request stored ({@link #requestCancel}) and are not
   * final yet.
   */
  Set<UUID> cancelRequested(Collection<UUID> flowRunIds);

  /**
   * Calls {@code handler} with the id of each unfinished flow run this store is recording when a
   * cancel of it is requested, by this process or another ({@link #requestCancel}); the store
   * checks about once a second while it records runs, on a thread of its own, and tells each run
   * once. Set by the engine; a second call replaces the handler.
   */
  void onCancelRequested(Consumer<UUID> handler);

  /** The server's API tokens, kept in this store's database. */
  ApiTokens tokens();

  /** Flushes what was recorded, waits for it to be committed, and closes the database. */
  @Override
  void close();
}
