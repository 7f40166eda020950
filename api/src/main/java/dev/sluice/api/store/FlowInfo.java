package dev.sluice.api.store;

import dev.sluice.api.Flow;
import dev.sluice.api.spi.Input;
import dev.sluice.api.spi.MapStep;
import dev.sluice.api.spi.Step;
import dev.sluice.api.spi.SubflowStep;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * What the run store records of a flow: its name, version and DAG.
 *
 * @param name the flow's name
 * @param version its version, empty when it has none
 * @param description its description, empty when it has none
 * @param steps its steps in definition order, with their upstreams
 * @param mermaid the DAG as a Mermaid flowchart ({@link Flow#toMermaid()})
 */
public record FlowInfo(
    String name, String version, String description, List<StepInfo> steps, String mermaid) {
  public FlowInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(description, "description");
    steps = List.copyOf(steps);
    Objects.requireNonNull(mermaid, "mermaid");
  }

  /** The record of {@code flow}. */
  public static FlowInfo of(Flow<?> flow) {
    List<StepInfo> steps =
        flow.steps().stream()
            .map(
                s ->
                    new StepInfo(
                        s.name(), kind(s), s.upstreams().stream().map(Input::source).toList()))
            .toList();
    return new FlowInfo(
        flow.name(),
        flow.options().version(),
        flow.options().description(),
        steps,
        flow.toMermaid());
  }

  /**
   * SHA-256, as lower-case hex, over everything recorded of the flow (name, version, description,
   * steps with their kinds and upstreams, the diagram), each part length-prefixed: two flows with
   * the same hash have the same record, so a run store writes a flow's structure only when this
   * changed.
   */
  public String structureHash() {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    StringBuilder text = new StringBuilder();
    part(text, name);
    part(text, version);
    part(text, description);
    text.append(steps.size()).append(';');
    for (StepInfo step : steps) {
      part(text, step.name());
      part(text, step.kind());
      text.append(step.upstreams().size()).append(';');
      step.upstreams().forEach(up -> part(text, up));
    }
    part(text, mermaid);
    return HexFormat.of()
        .formatHex(digest.digest(text.toString().getBytes(StandardCharsets.UTF_8)));
  }

  private static void part(StringBuilder text, String part) {
    text.append(part.length()).append(':').append(part);
  }

  private static String kind(Step<?> step) {
    return step instanceof MapStep<?>
        ? StepInfo.MAP
        : step instanceof SubflowStep<?> ? StepInfo.SUBFLOW : StepInfo.TASK;
  }

  /**
   * One step of a recorded flow.
   *
   * @param name the step's name
   * @param kind {@link #TASK}, {@link #MAP} or {@link #SUBFLOW}
   * @param upstreams the names of the parameters and steps it depends on
   */
  public record StepInfo(String name, String kind, List<String> upstreams) {
    /** A task step. */
    public static final String TASK = "task";

    /** A mapped step: one task run per element. */
    public static final String MAP = "map";

    /** A sub-flow step. */
    public static final String SUBFLOW = "subflow";

    public StepInfo {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(kind, "kind");
      upstreams = List.copyOf(upstreams);
    }
  }
}
