package dev.sluice.cli;

import dev.sluice.api.store.FlowSummary;
import dev.sluice.wire.Json;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice flow ls}. */
@Command(
    name = "flow",
    description = "Flows recorded in the run history.",
    mixinStandardHelpOptions = true,
    subcommands = FlowCommand.Ls.class)
final class FlowCommand {

  @Command(
      name = "ls",
      description = "List every recorded flow with its latest version and run.",
      mixinStandardHelpOptions = true)
  static final class Ls implements Callable<Integer> {
    private final Context context;
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    Ls(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      List<FlowSummary> flows;
      try (History history = History.open(context)) {
        flows = history.history().flows();
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(Json.outputWriter().writeValueAsString(flows));
      } else if (flows.isEmpty()) {
        out.println("No flows recorded yet.");
      } else {
        Table table = new Table("NAME", "VERSION", "STEPS", "RUNS", "LAST RUN", "LAST STATE");
        for (FlowSummary f : flows) {
          table.row(
              f.name(),
              f.version(),
              f.steps(),
              f.runs(),
              Times.seconds(f.lastRunAt(), context.zone()),
              f.lastState());
        }
        table.print(out);
      }
      out.flush();
      return 0;
    }
  }
}
