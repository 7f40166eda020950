package dev.sluice.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.State;
import dev.sluice.api.StateType;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.FlowRunSummary;
import dev.sluice.api.store.RecordedException;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.StateRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ApiJsonTest {
  private static final Instant AT = Instant.parse("2026-12-07T10:15:30.123456Z");

  @Test
  void everyStateTravelsAndKeepsItsNameTypeAndMessage() throws Exception {
    IllegalStateException boom = new IllegalStateException("disk full");
    List<State> states =
        List.of(
            new State.Scheduled(AT),
            new State.Scheduled(null),
            new State.Late(AT),
            new State.AwaitingRetry(AT, 3),
            new State.AwaitingConcurrencySlot(Set.of("db", "gpu")),
            State.PENDING,
            new State.NotReady("extract"),
            State.RUNNING,
            State.RETRYING,
            State.COMPLETED,
            new State.Cached("abc", "disk"),
            new State.Skipped("condition false"),
            new State.Failed(boom),
            new State.TimedOut(Duration.ofMillis(1500)),
            new State.Crashed(new OutOfMemoryError("heap")),
            new State.Cancelled("by the user"),
            State.CANCELLING);
    for (State state : states) {
      String json = ApiJson.writer().writeValueAsString(state);
      State back = ApiJson.reader().forType(State.class).readValue(json);
      assertThat(back.name()).as(json).isEqualTo(state.name());
      assertThat(back.type()).as(json).isEqualTo(state.type());
      assertThat(back.message()).as(json).isEqualTo(state.message());
      assertThat(back.isFinal()).as(json).isEqualTo(state.isFinal());
    }
  }

  @Test
  void anErrorTravelsAsItsTypeMessageAndStackTrace() throws Exception {
    IllegalStateException boom = new IllegalStateException("disk full");
    String json = ApiJson.writer().writeValueAsString(new State.Failed(boom));
    State.Failed back = (State.Failed) ApiJson.reader().forType(State.class).readValue(json);
    assertThat(RecordedException.typeOf(back.error()))
        .isEqualTo(IllegalStateException.class.getName());
    assertThat(RecordedException.messageOf(back.error())).isEqualTo("disk full");
    assertThat(RecordedException.stackTraceOf(back.error()))
        .isEqualTo(RecordedException.stackTraceOf(boom));
    assertThat(back.error().toString()).isEqualTo(boom.toString());
  }

  @Test
  void recordsTravelWhole() throws Exception {
    UUID run = UUID.randomUUID();
    FlowRunStart start =
        new FlowRunStart(
            run,
            new FlowInfo(
                "etl", "1", "", List.of(new FlowInfo.StepInfo("a", "task", List.of())), "graph"),
            "{\"msg\":\"hi\",\"n\":[1,2]}",
            null,
            null,
            AT,
            new RunOwner("host", 42, AT),
            "nightly",
            Set.of("ETL"),
            "key-1");
    String json = ApiJson.writer().writeValueAsString(start);
    JsonNode tree = ApiJson.reader().readTree(json);
    assertThat(tree.get("parameters").get("msg").asText()).isEqualTo("hi");
    assertThat(tree.get("at").asText()).isEqualTo("2026-12-07T10:15:30.123456Z");
    assertThat(ApiJson.reader().forType(FlowRunStart.class).<FlowRunStart>readValue(json))
        .isEqualTo(start);

    FlowRunEvent event = new FlowRunEvent(run, "etl", null, State.RUNNING, State.COMPLETED, AT, 1);
    assertThat(
            ApiJson.reader()
                .forType(FlowRunEvent.class)
                .<FlowRunEvent>readValue(ApiJson.writer().writeValueAsString(event)))
        .isEqualTo(event);
    TaskRunEvent task =
        new TaskRunEvent(
            run, "etl", UUID.randomUUID(), "t[2]", null, State.RUNNING, AT, 1, "k", "t", 2);
    assertThat(
            ApiJson.reader()
                .forType(TaskRunEvent.class)
                .<TaskRunEvent>readValue(ApiJson.writer().writeValueAsString(task)))
        .isEqualTo(task);

    FlowRunSummary summary =
        new FlowRunSummary(
            run,
            "etl",
            "1",
            new StateRecord(StateType.COMPLETED, "Completed", "", AT),
            AT,
            AT,
            1,
            null,
            "nightly",
            Set.of("ETL"));
    assertThat(
            ApiJson.reader()
                .forType(FlowRunSummary.class)
                .<FlowRunSummary>readValue(ApiJson.writer().writeValueAsString(summary)))
        .isEqualTo(summary);
  }

  @Test
  void unknownPropertiesAndTrailingTokensAreRefused() {
    assertThatThrownBy(
            () ->
                ApiJson.reader()
                    .forType(StateRecord.class)
                    .readValue(
                        "{\"type\":\"FAILED\",\"name\":\"Failed\",\"message\":\"\",\"at\":\"2026-12-07T10:15:30Z\",\"color\":1}"))
        .hasMessageContaining("color");
    assertThatThrownBy(
            () -> ApiJson.reader().forType(State.class).readValue("{\"name\":\"Running\"} {}"))
        .hasMessageContaining("Trailing token");
  }
}
