package dev.sluice.api.store;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.TaskRunEvent;
import java.util.List;
import java.util.Objects;

/**
 * Records that another process made, handed to a store as one unit ({@link RunRecorder#ingest}):
 * the server receives them from a process recording through its API. The store commits the records
 * of a batch in one transaction together with the batch's place in its source's sequence, so a
 * batch that arrives twice (its sender retried after a lost answer) is stored once.
 *
 * @param source who sent it: an id its sender keeps for as long as it numbers its batches
 * @param sequence its place among the source's batches, from 1; a batch with a sequence at or below
 *     the last one stored for its source is a repeat and stores nothing
 * @param records the records, in the order they were made: each a {@link FlowRunStart}, {@link
 *     FlowRunEvent}, {@link TaskRunEvent} or {@link LogLine}
 */
public record IngestBatch(String source, long sequence, List<Object> records) {
  public IngestBatch {
    Objects.requireNonNull(source, "source");
    if (source.isBlank() || source.length() > 200) {
      throw new IllegalArgumentException(
          "the source of a record batch must be 1 to 200 characters, was '" + source + "'");
    }
    if (sequence < 1) {
      throw new IllegalArgumentException(
          "the sequence of a record batch must be >= 1, was " + sequence);
    }
    records = List.copyOf(records);
    for (Object r : records) {
      if (!(r instanceof FlowRunStart
          || r instanceof FlowRunEvent
          || r instanceof TaskRunEvent
          || r instanceof LogLine)) {
        throw new IllegalArgumentException(
            "a record batch holds FlowRunStart, FlowRunEvent, TaskRunEvent and LogLine records,"
                + " not "
                + r.getClass().getName());
      }
    }
  }
}
