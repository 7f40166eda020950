package dev.sluice.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.State;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.IngestBatch;
import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RunOwner;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RecordBatchesTest {
  private static final Instant AT = Instant.parse("2026-12-07T10:15:30.123456Z");

  /** Regression: every record but the last was refused as "followed by trailing tokens". */
  @Test
  void aBodyOfEveryKindOfRecordReadsBackAsWritten() throws Exception {
    UUID run = UUID.randomUUID();
    UUID task = UUID.randomUUID();
    FlowInfo flow =
        new FlowInfo(
            "f", "1", "", List.of(new FlowInfo.StepInfo("a", "task", List.of())), "flowchart LR");
    List<Object> records =
        List.of(
            new FlowRunStart(
                run, flow, "{\"n\":1}", null, null, AT, RunOwner.current(), "r", Set.of("t"), "k"),
            new FlowRunEvent(run, "f", null, null, State.RUNNING, AT, 1),
            new TaskRunEvent(run, "f", task, "a", null, State.RUNNING, AT, 1),
            new LogLine(run, task, AT, "INFO", "l", "main", "hello", null, Map.of("k", "v")),
            new TaskRunEvent(run, "f", task, "a", State.RUNNING, State.COMPLETED, AT, 1),
            new FlowRunEvent(run, "f", null, State.RUNNING, State.COMPLETED, AT, 1));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RecordBatches.write(out, "source-1", 7, records, List.of(run));

    RecordBatches.Decoded decoded = RecordBatches.read(new ByteArrayInputStream(out.toByteArray()));

    IngestBatch batch = decoded.batch();
    assertThat(batch).isNotNull();
    assertThat(batch.source()).isEqualTo("source-1");
    assertThat(batch.sequence()).isEqualTo(7);
    assertThat(batch.records()).hasSize(records.size());
    for (int i = 0; i < records.size(); i++) {
      assertThat(ApiJson.writer().writeValueAsString(batch.records().get(i)))
          .isEqualTo(ApiJson.writer().writeValueAsString(records.get(i)));
    }
    assertThat(decoded.active()).containsExactly(run);
  }

  @Test
  void aPollHasNoBatchAndAnythingAfterTheBodyIsRefused() throws Exception {
    UUID run = UUID.randomUUID();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RecordBatches.write(out, "s", 0, List.of(), List.of(run));
    RecordBatches.Decoded poll = RecordBatches.read(new ByteArrayInputStream(out.toByteArray()));
    assertThat(poll.batch()).isNull();
    assertThat(poll.active()).containsExactly(run);

    byte[] twice = (out.toString(StandardCharsets.UTF_8) + " {}").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> RecordBatches.read(new ByteArrayInputStream(twice)))
        .hasMessageContaining("nothing may follow");
  }
}
