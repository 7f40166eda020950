package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.Flows;
import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sub-flow's run is listed as such and points at its parent. */
class SubflowRunsTest {
  @TempDir Path home;

  @Test
  void subflowRunsAreMarkedAndLinkedToTheirParent() throws Exception {
    Flow<Void> child = Flows.named("child").define(f -> f.task("inner", () -> 1));
    Flow<Void> parent = Flows.named("parent").define(f -> f.subflow("run child", child));
    FlowRun run;
    try (Sluice sluice = Recording.sluice(home)) {
      run = sluice.run(parent);
    }
    CliRunner cli = new CliRunner(home);

    CliRunner.Result ls = cli.run("flow-run", "ls");
    JsonNode childRuns =
        new ObjectMapper().readTree(cli.run("flow-run", "ls", "--json", "--flow", "child").out());
    String childId = childRuns.get(0).get("id").asText();
    CliRunner.Result inspectChild = cli.run("flow-run", "inspect", childId);
    CliRunner.Result inspectParent = cli.run("flow-run", "inspect", run.id().toString());

    assertThat(ls.out())
        .containsPattern("(?m)^" + childId + " +child \\(sub-flow\\) +Completed ")
        .containsPattern("(?m)^" + run.id() + " +parent +Completed ");
    assertThat(inspectChild.out()).containsPattern("(?m)^Parent run: +" + run.id() + "$");
    assertThat(inspectParent.out())
        .doesNotContain("Parent run:")
        .containsPattern("(?m)^run child +Completed +1 ");
  }
}
