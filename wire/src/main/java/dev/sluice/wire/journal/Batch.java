package dev.sluice.wire.journal;

import java.util.List;

/**
 * One request's worth of records: batch {@code sequence} of {@code source}, sent (and, if need be,
 * sent again) exactly as it is, so that the server stores it once.
 *
 * @param source the sender's id
 * @param sequence the batch's place among the source's batches, from 1
 * @param records the records, in the order they were handed over
 * @param elements how many things handed to the recorder the batch settles: its records, or 1 for a
 *     batch another process made ({@link dev.sluice.api.store.RunRecorder#ingest})
 */
public record Batch(String source, long sequence, List<Object> records, int elements) {
  public Batch {
    records = List.copyOf(records);
  }
}
