package dev.sluice.store;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.IngestBatch;
import dev.sluice.api.store.LogLine;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retry loop around committing a batch: a batch that fails (a busy or lost database) is rolled
 * back and retried with growing pauses (50 ms up to 5 s) on a new connection until it commits;
 * after {@link #POISON_CHECK_AFTER} failures its records are tried one by one so a record the
 * database refuses is dropped instead of stopping the writer; only while the store is closing,
 * after {@link #GIVE_UP_AFTER_WHEN_CLOSING} failures, does it give up. Writer thread only.
 */
final class CommitRetries {
  // The writer's logger, as before the split: users' logging configurations name it.
  private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

  private static final int GIVE_UP_AFTER_WHEN_CLOSING = 5;

  /** After this many failures of one batch, its records are tried one by one (poison check). */
  private static final int POISON_CHECK_AFTER = 3;

  private final Database database;
  private final BatchRows rows;
  private final BooleanSupplier closing;
  private final Collection<Object> queued;

  /**
   * @param closing whether the store is closing, when giving up is allowed
   * @param queued the records still queued behind the batch, released (not stored) on giving up
   */
  CommitRetries(
      Database database, BatchRows rows, BooleanSupplier closing, Collection<Object> queued) {
    this.database = database;
    this.rows = rows;
    this.closing = closing;
    this.queued = queued;
  }

  /**
   * Commits {@code batch}, retrying as long as it takes.
   *
   * @return false when it gave up (closing) or was interrupted
   */
  boolean commit(List<Object> batch) {
    long pauseMillis = 50;
    for (int failures = 0; ; failures++) {
      try {
        rows.write(batch);
        return true;
      } catch (SQLException | RuntimeException e) {
        rows.disconnect();
        if (failures == POISON_CHECK_AFTER - 1 && batch.size() > 1 && writeAlone(batch)) {
          return true;
        }
        if (closing.getAsBoolean() && failures >= GIVE_UP_AFTER_WHEN_CLOSING) {
          log.error(
              "the run store {} keeps failing while closing; {} records were not stored",
              database.display(),
              batch.size() + queued.size(),
              e);
          batch.forEach(BatchWriter::release);
          queued.forEach(BatchWriter::release);
          return false;
        }
        log.warn(
            "the run store {} could not commit {} records ({}); retrying in {} ms",
            database.display(),
            batch.size(),
            e.getMessage(),
            pauseMillis);
        try {
          Thread.sleep(pauseMillis);
        } catch (InterruptedException interrupted) {
          return false;
        }
        pauseMillis = Math.min(pauseMillis * 2, 5_000);
      }
    }
  }

  /**
   * A batch failed several times: writes its records one by one, in order. If some commit and
   * others keep failing, those are poison (a value the database refuses, such as a NUL character in
   * PostgreSQL text) and are dropped, each logged at ERROR, so one bad record cannot stop the
   * writer and, behind it, every run. If none commits, the database itself is failing: false, and
   * the whole batch is retried as before. A record batch of another process is one record here: it
   * is never split, so a poison record in it drops the whole batch, and its sequence with it (the
   * claim rolls back too: nothing of it is stored).
   */
  private boolean writeAlone(List<Object> batch) {
    List<Object> failed = new ArrayList<>();
    List<Exception> errors = new ArrayList<>();
    int written = 0;
    for (Object record : batch) {
      try {
        rows.write(List.of(record));
        written++;
      } catch (SQLException | RuntimeException e) {
        rows.disconnect();
        failed.add(record);
        errors.add(e);
      }
    }
    if (written == 0) {
      return false;
    }
    for (int i = 0; i < failed.size(); i++) {
      log.error(
          "the run store {} refuses a record and drops it: {}",
          database.display(),
          describe(failed.get(i)),
          errors.get(i));
      BatchWriter.release(failed.get(i));
    }
    return true;
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
