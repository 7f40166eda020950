package dev.sluice.api;

import dev.sluice.api.spi.Condition;
import dev.sluice.api.spi.Input;
import dev.sluice.api.spi.MapStep;
import dev.sluice.api.spi.Parameter;
import dev.sluice.api.spi.Step;
import dev.sluice.api.spi.SubflowStep;
import dev.sluice.api.spi.TaskStep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Renders a flow's DAG as text for Mermaid and Graphviz. */
final class Diagrams {
  private Diagrams() {}

  static String mermaid(Flow<?> flow) {
    StringBuilder out = new StringBuilder("flowchart TD\n");
    Map<String, String> ids = ids(flow);
    for (Parameter<?> p : flow.parameters()) {
      out.append("  ").append(ids.get(p.name())).append("([\"").append(mermaidText(p.name()));
      out.append("\"])\n");
    }
    for (Step<?> s : flow.steps()) {
      String label = mermaidText(s.name());
      String id = ids.get(s.name());
      out.append("  ").append(id);
      switch (s) {
        case TaskStep<?> t -> out.append("[\"").append(label).append("\"]");
        case MapStep<?> m -> out.append("{{\"").append(label).append(" (map)\"}}");
        case SubflowStep<?> f ->
            out.append("[[\"")
                .append(label)
                .append(" (flow ")
                .append(mermaidText(f.flow().name()))
                .append(")\"]]");
      }
      out.append('\n');
    }
    for (Step<?> s : flow.steps()) {
      String to = ids.get(s.name());
      for (Input in : s.inputs()) {
        String from = ids.get(in.source());
        out.append("  ").append(from).append(in.outcome() ? " -- outcome --> " : " --> ");
        out.append(to).append('\n');
      }
      for (Input in : s.waitFor()) {
        String from = ids.get(in.source());
        out.append("  ").append(from).append(in.outcome() ? " -. outcome .-> " : " -.-> ");
        out.append(to).append('\n');
      }
      Condition c = s.condition();
      if (c != null && c.input() != null) {
        out.append("  ").append(ids.get(c.input().source())).append(" -. if .-> ").append(to);
        out.append('\n');
      }
    }
    return out.toString();
  }

  static String dot(Flow<?> flow) {
    StringBuilder out = new StringBuilder("digraph ").append(dotText(flow.name())).append(" {\n");
    out.append("  rankdir=TB;\n  node [shape=box];\n");
    for (Parameter<?> p : flow.parameters()) {
      out.append("  ").append(dotText(p.name())).append(" [shape=ellipse];\n");
    }
    for (Step<?> s : flow.steps()) {
      out.append("  ").append(dotText(s.name()));
      // The step's description is its tooltip (with a sub-flow's flow name after it).
      String description = s.options().description();
      String tooltip =
          s instanceof SubflowStep<?> f
              ? description.isEmpty()
                  ? "flow " + f.flow().name()
                  : description + " (flow " + f.flow().name() + ")"
              : description;
      List<String> attributes = new ArrayList<>(2);
      switch (s) {
        case TaskStep<?> t -> {}
        case MapStep<?> m -> attributes.add("shape=hexagon");
        case SubflowStep<?> f -> attributes.add("shape=box3d");
      }
      if (!tooltip.isEmpty()) {
        attributes.add("tooltip=" + dotText(tooltip));
      }
      out.append(attributes.isEmpty() ? "" : " [" + String.join(", ", attributes) + "]");
      out.append(";\n");
    }
    for (Step<?> s : flow.steps()) {
      String to = dotText(s.name());
      for (Input in : s.inputs()) {
        edge(out, in.source(), to, in.outcome() ? "[label=\"outcome\"]" : "");
      }
      for (Input in : s.waitFor()) {
        edge(
            out,
            in.source(),
            to,
            in.outcome() ? "[style=dashed, label=\"outcome\"]" : "[style=dashed]");
      }
      Condition c = s.condition();
      if (c != null && c.input() != null) {
        edge(out, c.input().source(), to, "[style=dotted, label=\"if\"]");
      }
    }
    return out.append("}\n").toString();
  }

  private static void edge(StringBuilder out, String from, String to, String attributes) {
    out.append("  ").append(dotText(from)).append(" -> ").append(to);
    if (!attributes.isEmpty()) {
      out.append(' ').append(attributes);
    }
    out.append(";\n");
  }

  /** Mermaid ids must be plain words; names may hold anything, so number them. */
  private static Map<String, String> ids(Flow<?> flow) {
    Map<String, String> ids = new HashMap<>();
    int i = 0;
    for (Parameter<?> p : flow.parameters()) {
      ids.put(p.name(), "p" + i++);
    }
    i = 0;
    for (Step<?> s : flow.steps()) {
      ids.put(s.name(), "s" + i++);
    }
    return ids;
  }

  private static String mermaidText(String text) {
    return text.replace("\"", "#quot;").replace("\n", " ");
  }

  private static String dotText(String text) {
    return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
  }
}
