package dev.sluice;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sluice.api.Flow;
import dev.sluice.api.spi.Parameter;
import dev.sluice.wire.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** The {@code --help} of a {@link BatchJob}: its usage, the flow's parameters, the exit codes. */
final class BatchHelp {
  /** A package prefix in a type name: {@code java.util.} of {@code java.util.List}. */
  private static final Pattern PACKAGE = Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.)+(?=[A-Z])");

  private BatchHelp() {}

  static String of(Flow<?> flow, String program) {
    StringBuilder out = new StringBuilder();
    out.append("Usage: ")
        .append(program)
        .append(" [--NAME=VALUE]... [--params-file FILE] [--executor NAME] [--quiet | --json]\n\n");
    out.append("Runs flow '").append(flow.name()).append("' once");
    if (!flow.options().description().isEmpty()) {
      out.append(": ").append(flow.options().description());
    }
    out.append(".\n\n");
    if (flow.parameters().isEmpty()) {
      out.append("The flow has no parameters.\n\n");
    } else {
      out.append("Parameters (--NAME=VALUE, --NAME VALUE or -PNAME=VALUE; JSON for lists and")
          .append(" records):\n");
      List<String[]> rows = new ArrayList<>();
      for (Parameter<?> p : flow.parameters()) {
        String about = p.required() ? "required" : "default: " + show(p.defaultValue());
        if (!p.description().isEmpty()) {
          about = p.description() + " (" + about + ")";
        }
        rows.add(new String[] {"--" + p.name() + "=" + simpleName(p), about});
      }
      table(rows, out);
      out.append('\n');
    }
    out.append("Options:\n");
    table(
        List.of(
            new String[] {
              "--params-file FILE", "parameters from a JSON object; those given as options win"
            },
            new String[] {
              "--executor NAME",
              "local, threadpool or subprocess (default: setting sluice.executor, else threadpool)"
            },
            new String[] {"--quiet", "print nothing but errors; the exit code tells the outcome"},
            new String[] {"--json", "print one JSON object: the run, or what is wrong"},
            new String[] {"-h, --help", "print this help"}),
        out);
    out.append("\n-PNAME=VALUE gives a parameter named like an option (-Pexecutor=VALUE).\n")
        .append("Ctrl-C (SIGINT) or SIGTERM cancels the run: running tasks are interrupted, the")
        .append(" run is\nrecorded Cancelled and the job exits 130 or 143; a second signal exits")
        .append(" at once.\n\n");
    out.append("Exit codes:\n");
    List<String[]> codes = new ArrayList<>();
    for (BatchJob.Outcome outcome : BatchJob.Outcome.values()) {
      codes.add(new String[] {Integer.toString(outcome.code), outcome.meaning});
    }
    table(codes, out);
    return out.toString();
  }

  /** The parameter's type without package names: {@code List<Integer>}, {@code int}. */
  static String simpleName(Parameter<?> p) {
    return PACKAGE.matcher(p.type().getTypeName()).replaceAll("").replace('$', '.');
  }

  private static String show(@Nullable Object value) {
    if (value == null || value instanceof String) {
      return String.valueOf(value);
    }
    try {
      return Json.writer().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      return String.valueOf(value);
    }
  }

  private static void table(List<String[]> rows, StringBuilder out) {
    int width = 0;
    for (String[] row : rows) {
      width = Math.max(width, row[0].length());
    }
    for (String[] row : rows) {
      out.append("  ")
          .append(row[0])
          .append(" ".repeat(width - row[0].length() + 2))
          .append(row[1])
          .append('\n');
    }
  }
}
