package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.ParameterException;
import dev.sluice.api.State;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParametersTest {
  record Window(LocalDate from, int days) {}

  enum Mode {
    FAST,
    CAREFUL
  }

  private final Sluice sluice = Sluice.builder().executor("local").build();
  private final AtomicInteger ran = new AtomicInteger();

  private final Flow<String> flow =
      Flows.named("params")
          .returning(
              f -> {
                var n = f.param("n", int.class);
                var ratio = f.param("ratio", double.class).withDefault(0.5);
                var mode = f.param("mode", Mode.class).withDefault(Mode.FAST);
                var window = f.param("window", Window.class).describedAs("the days to load");
                var wait = f.param("wait", Duration.class).withDefault(Duration.ZERO);
                return f.task(
                    "describe",
                    n,
                    ratio,
                    mode,
                    window,
                    wait,
                    (a, b, c, d, e) -> {
                      ran.incrementAndGet();
                      return a + " " + b + " " + c + " " + d.from() + "+" + d.days() + " " + e;
                    });
              });

  @AfterEach
  void close() {
    sluice.close();
  }

  @Test
  void stringsAndJsonAreCoercedToTheDeclaredTypes() {
    FlowRun run =
        sluice.run(
            flow,
            Map.of(
                "n", "5",
                "mode", "CAREFUL",
                "window", "{\"from\": \"2026-11-01\", \"days\": \"7\"}",
                "wait", "PT2S"));

    assertThat(run.result()).isEqualTo("5 0.5 CAREFUL 2026-11-01+7 PT2S");
    assertThat(run.parameters())
        .containsEntry("n", 5)
        .containsEntry("ratio", 0.5)
        .containsEntry("window", new Window(LocalDate.of(2026, 11, 1), 7));
  }

  @Test
  void valuesOfTheRightTypePassUnchanged() {
    Window window = new Window(LocalDate.of(2026, 1, 1), 1);
    FlowRun run = sluice.run(flow, Map.of("n", 7, "window", window, "ratio", 2.0));

    assertThat(run.result()).isEqualTo("7 2.0 FAST 2026-01-01+1 PT0S");
  }

  @Test
  void everyProblemIsReportedAtOnceAndNothingRuns() {
    assertThatThrownBy(() -> sluice.run(flow, Map.of("ratio", "lots", "mode", "SLOW", "colour", 1)))
        .isInstanceOfSatisfying(
            ParameterException.class,
            e -> {
              assertThat(e.flowName()).isEqualTo("params");
              assertThat(e.problems()).hasSize(5);
              assertThat(e.problems().get(0))
                  .startsWith("'colour' is not a parameter of this flow; it has [n, ratio");
              assertThat(e.problems())
                  .anySatisfy(p -> assertThat(p).startsWith("parameter 'n' (int) is required"))
                  .anySatisfy(
                      p ->
                          assertThat(p)
                              .startsWith("parameter 'ratio' (double) cannot take \"lots\""))
                  .anySatisfy(
                      p ->
                          assertThat(p)
                              .startsWith(
                                  "parameter 'mode' (ParametersTest.Mode) cannot take"
                                      + " \"SLOW\""))
                  .anySatisfy(p -> assertThat(p).contains("'window'").contains("is required"));
              assertThat(e.getMessage())
                  .startsWith("invalid parameters for flow 'params' (5 problems):");
            });
    assertThat(ran).hasValue(0);
  }

  @Test
  void aNullForAPrimitiveIsAProblem() {
    java.util.Map<String, Object> given = new java.util.HashMap<>();
    given.put("n", null);
    given.put("window", new Window(LocalDate.EPOCH, 1));
    assertThatThrownBy(() -> sluice.run(flow, given))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("parameter 'n' (int) cannot take null");
  }

  @Test
  void theRunRecordsTheParametersItUsed() {
    FlowRun run =
        sluice.run(flow, Map.of("n", "1", "window", Map.of("from", "2026-02-03", "days", 2)));

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.parameters().keySet()).containsExactly("n", "ratio", "mode", "window", "wait");
    assertThat(run.parameters().get("mode")).isEqualTo(Mode.FAST);
  }
}
