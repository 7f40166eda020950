package dev.sluice.api;

import java.io.Serial;
import java.util.List;

/**
 * The parameters given to a run are wrong; the message lists every missing, unknown or uncoercible
 * parameter. Thrown before any task runs.
 */
public class ParameterException extends IllegalArgumentException {
  @Serial private static final long serialVersionUID = 1L;

  private final String flowName;
  private final List<String> problems;

  /** Problems with the parameters given to flow {@code flowName}. */
  public ParameterException(String flowName, List<String> problems) {
    super(format(flowName, problems));
    this.flowName = flowName;
    this.problems = List.copyOf(problems);
  }

  private static String format(String flowName, List<String> problems) {
    return Problems.describe("invalid parameters for flow '" + flowName + "'", problems);
  }

  /** The name of the flow. */
  public String flowName() {
    return flowName;
  }

  /** Each problem, naming the parameter. */
  public List<String> problems() {
    return problems;
  }
}
