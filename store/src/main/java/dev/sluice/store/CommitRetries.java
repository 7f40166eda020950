package dev.sluice.store;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.IngestBatch;
import dev.sluice.api.store.LogLine;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retry loop around committing a batch. A batch that fails is rolled back and retried with
 * growing pauses (50 ms up to 5 s) on a new connection until it commits — however long a full disk,
 * an I/O error or a lost connection lasts (see {@link Failures}); meanwhile the writer keeps the
 * records that keep arriving ({@link BatchWriter}, through {@link Pause}). After {@link
 * #POISON_CHECK_AFTER} failures that are not of the database as a whole, the batch's records are
 * tried one by one, so a record the database refuses is dropped instead of stopping the writer. A
 * corrupt database is not retried. Only while the store is closing, after {@link
 * #GIVE_UP_AFTER_WHEN_CLOSING} failures, does it give up — the writer then keeps the batch aside.
 * Writer thread only.
 */
final class CommitRetries {
  // The writer's logger, as before the split: users' logging configurations name it.
  private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

  private static final int GIVE_UP_AFTER_WHEN_CLOSING = 5;

  /** After this many failures of one batch, its records are tried one by one (poison check). */
  private static final int POISON_CHECK_AFTER = 3;

  /** How often a lasting failure is said again. */
  private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

  /** How a commit ended. */
  enum Outcome {
    /** Everything in the batch was committed (or dropped as poison, each said at ERROR). */
    COMMITTED,
    /** The store is closing and the database keeps failing: the batch holds what is left. */
    GAVE_UP,
    /** The database is corrupt: the batch holds what is left, and nothing is written again. */
    CORRUPT
  }

  /** Waits between attempts while the writer keeps doing its other work. */
  interface Pause {
    /**
     * Returns after about {@code millis}.
     *
     * @return false when the writer was interrupted
     */
    boolean pause(long millis);
  }

  private final Database database;
  private final BatchRows rows;
  private final BooleanSupplier closing;
  private final Pause pause;
  private long lastWarnNanos;
  private boolean failing;
  private @Nullable Throwable lastFailure;

  /**
   * @param closing whether the store is closing, when giving up is allowed
   * @param pause how to wait between attempts
   */
  CommitRetries(Database database, BatchRows rows, BooleanSupplier closing, Pause pause) {
    this.database = database;
    this.rows = rows;
    this.closing = closing;
    this.pause = pause;
  }

  /** The last failure, for the message at close. */
  @Nullable Throwable lastFailure() {
    return lastFailure;
  }

  /**
   * Commits {@code batch}, retrying as long as it takes; removes from it what was committed (or
   * dropped as poison), so that on {@link Outcome#GAVE_UP} or {@link Outcome#CORRUPT} it holds the
   * records not stored, in order.
   */
  Outcome commit(List<Object> batch) {
    long pauseMillis = 50;
    for (int failures = 0; ; failures++) {
      try {
        rows.write(batch);
        batch.clear();
        recovered();
        return Outcome.COMMITTED;
      } catch (SQLException | RuntimeException e) {
        rows.disconnect();
        lastFailure = e;
        Failures kind = Failures.of(database, e);
        if (kind == Failures.CORRUPT) {
          return Outcome.CORRUPT;
        }
        if (kind == Failures.RECORD && failures >= POISON_CHECK_AFTER - 1) {
          Failures alone = writeAlone(batch);
          if (batch.isEmpty()) {
            recovered();
            return Outcome.COMMITTED;
          }
          if (alone == Failures.CORRUPT) {
            return Outcome.CORRUPT;
          }
        }
        if (closing.getAsBoolean() && failures >= GIVE_UP_AFTER_WHEN_CLOSING) {
          return Outcome.GAVE_UP;
        }
        long now = System.nanoTime();
        if (!failing || now - lastWarnNanos > WARN_EVERY_NANOS) {
          log.warn(
              "the run store {} cannot take records now ({}); they are kept and written again every"
                  + " few seconds, and none is dropped",
              database.display(),
              e.getMessage());
          lastWarnNanos = now;
        }
        failing = true;
        if (!pause.pause(closing.getAsBoolean() ? Math.min(pauseMillis, 200) : pauseMillis)) {
          return Outcome.GAVE_UP;
        }
        pauseMillis = Math.min(pauseMillis * 2, 5_000);
      }
    }
  }

  private void recovered() {
    if (failing) {
      log.info("the run store {} takes records again", database.display());
      failing = false;
    }
  }

  /**
   * A batch failed several times, not for the database as a whole: writes its records one by one,
   * in order, removing each from {@code batch} once committed. A record the database refuses by
   * itself (a poison record, such as a NUL character in PostgreSQL text) is dropped, logged at
   * ERROR, so one bad record cannot stop the writer and, behind it, every run. A failure of the
   * database as a whole (a full disk, a lost connection, corruption) stops the pass: that record
   * and the ones after it stay in {@code batch}, in order, and its kind is returned. A record batch
   * of another process is one record here: it is never split, so a poison record in it drops the
   * whole batch, and its sequence with it (the claim rolls back too: nothing of it is stored).
   *
   * @return null when every record was written or dropped, else the kind of failure that stopped it
   */
  private @Nullable Failures writeAlone(List<Object> batch) {
    while (!batch.isEmpty()) {
      Object record = batch.get(0);
      try {
        rows.write(List.of(record));
      } catch (SQLException | RuntimeException e) {
        rows.disconnect();
        Failures kind = Failures.of(database, e);
        if (kind != Failures.RECORD) {
          lastFailure = e;
          return kind;
        }
        log.error(
            "the run store {} refuses a record and drops it: {}",
            database.display(),
            describe(record),
            e);
      }
      batch.remove(0);
    }
    return null;
  }

  private static String describe(Object record) {
    return switch (record) {
      case TaskRunEvent e -> "task run " + e.taskRunId() + " entering " + e.state().name();
      case FlowRunEvent e -> "flow run " + e.flowRunId() + " entering " + e.state().name();
      case FlowRunStart start -> "the start of flow run " + start.flowRunId();
      case LogLine line -> "a log line of flow run " + line.flowRunId();
      case IngestBatch batch ->
          "record batch "
              + batch.sequence()
              + " of "
              + batch.source()
              + " ("
              + batch.records().size()
              + " records)";
      default -> record.getClass().getSimpleName();
    };
  }
}
