package dev.sluice.api;

import java.io.Serial;
import java.util.List;

/** A flow definition has problems; the message lists all of them. */
public class FlowValidationException extends IllegalArgumentException {
  @Serial private static final long serialVersionUID = 1L;

  private final String flowName;
  private final List<String> problems;

  /** Problems found in the flow named {@code flowName}. */
  public FlowValidationException(String flowName, List<String> problems) {
    super(format(flowName, problems));
    this.flowName = flowName;
    this.problems = List.copyOf(problems);
  }

  private static String format(String flowName, List<String> problems) {
    return Problems.describe("flow '" + flowName + "' is invalid", problems);
  }

  /** The name of the flow. */
  public String flowName() {
    return flowName;
  }

  /** Each problem, one sentence with its fix. */
  public List<String> problems() {
    return problems;
  }
}
