package dev.sluice.api;

import dev.sluice.api.spi.FlowOptions;
import dev.sluice.api.spi.Input;
import dev.sluice.api.spi.Parameter;
import dev.sluice.api.spi.Step;
import dev.sluice.api.spi.SubflowStep;
import dev.sluice.api.spi.TaskOptions;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A pipeline: an immutable DAG of {@linkplain Step steps} fed by {@linkplain Parameter parameters}.
 * Users build flows with the DSL ({@code dev.sluice.Flows}); this class is what it produces and
 * what the engine runs. A flow is validated once, when it is created, and may be run any number of
 * times, concurrently.
 *
 * @param <R> the type of the flow's result (the value of its result step), {@code Void} when it has
 *     none
 */
public final class Flow<R> {
  private final String name;
  private final FlowOptions options;
  private final List<Parameter<?>> parameters;
  private final List<Step<?>> steps;
  private final @Nullable String resultStep;
  private final Map<String, Parameter<?>> parametersByName;
  private final Map<String, Step<?>> stepsByName;

  private Flow(
      String name,
      FlowOptions options,
      List<Parameter<?>> parameters,
      List<Step<?>> steps,
      @Nullable String resultStep) {
    this.name = name;
    this.options = options;
    this.parameters = List.copyOf(parameters);
    this.steps = List.copyOf(steps);
    this.resultStep = resultStep;
    Map<String, Parameter<?>> params = new LinkedHashMap<>();
    parameters.forEach(p -> params.putIfAbsent(p.name(), p));
    this.parametersByName = java.util.Collections.unmodifiableMap(params);
    Map<String, Step<?>> byName = new LinkedHashMap<>();
    steps.forEach(s -> byName.putIfAbsent(s.name(), s));
    this.stepsByName = java.util.Collections.unmodifiableMap(byName);
  }

  /**
   * Creates a flow from its graph, checking the whole graph at once. This is the service-provider
   * factory: supported for tools that build flows from another description (the DSL is one, a flow
   * generated from a file could be another), and stable as long as the types of {@code
   * dev.sluice.api.spi} are. Users build flows with the DSL ({@code dev.sluice.Flows.named(...)}),
   * which checks the types of every edge at compile time; a flow built here is checked only by name
   * and shape, and its task bodies take their arguments untyped.
   *
   * @param name the flow's name
   * @param options the flow's options
   * @param parameters the flow's parameters
   * @param steps the flow's steps, in definition order
   * @param resultStep the name of the step whose result is the flow's result, or null
   * @throws FlowValidationException listing every problem: blank or duplicate names, inputs naming
   *     nothing, sub-flow bindings that do not match the child's parameters, cycles (each named)
   */
  public static <R> Flow<R> of(
      String name,
      FlowOptions options,
      List<Parameter<?>> parameters,
      List<Step<?>> steps,
      @Nullable String resultStep) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(options, "options");
    Flow<R> flow = new Flow<>(name, options, parameters, steps, resultStep);
    List<String> problems = flow.validate();
    if (!problems.isEmpty()) {
      throw new FlowValidationException(name, problems);
    }
    return flow;
  }

  private List<String> validate() {
    List<String> problems = new ArrayList<>();
    if (name.isBlank()) {
      problems.add("the flow's name is blank; give it a name");
    } else if (hasControlCharacter(name)) {
      problems.add(
          "the flow's name "
              + RunOptions.quoted(name)
              + " contains a control character (a newline, tab or NUL); remove it");
    }
    Map<String, String> seen = new HashMap<>();
    for (Parameter<?> p : parameters) {
      checkName(p.name(), "parameter", seen, problems);
    }
    for (Step<?> s : steps) {
      checkName(s.name(), "step", seen, problems);
    }
    for (Step<?> s : steps) {
      for (Input input : s.upstreams()) {
        if (!seen.containsKey(input.source())) {
          problems.add(
              "step '"
                  + s.name()
                  + "' needs '"
                  + input.source()
                  + "', which is not a step or parameter of this flow; define it in this flow"
                  + " first");
        } else if (input.source().equals(s.name())) {
          problems.add("step '" + s.name() + "' depends on itself");
        }
      }
      if (s instanceof SubflowStep<?> sub) {
        validateBindings(sub, problems);
      }
      validateCachePolicy(s, problems);
      validateOptions(s, problems);
    }
    if (resultStep != null && !stepsByName.containsKey(resultStep)) {
      problems.add("the result step '" + resultStep + "' is not a step of this flow");
    }
    problems.addAll(findCycles()); // names that resolve to nothing are skipped there
    return problems;
  }

  private static boolean hasControlCharacter(String name) {
    return name.chars().anyMatch(Character::isISOControl);
  }

  private static void checkName(
      String name, String kind, Map<String, String> seen, List<String> problems) {
    if (name.isBlank()) {
      problems.add("a " + kind + " has a blank name; every step and parameter needs a name");
      return;
    }
    if (hasControlCharacter(name)) {
      // They break the summary table, the CLI's columns and log lines.
      problems.add(
          "the "
              + kind
              + " name "
              + RunOptions.quoted(name)
              + " contains a control character (a newline, tab or NUL); remove it");
    }
    String previous = seen.putIfAbsent(name, kind);
    if (previous != null) {
      problems.add(
          "duplicate name '"
              + name
              + "': used by a "
              + previous
              + " and a "
              + kind
              + "; names must be unique in a flow");
    }
  }

  private static void validateCachePolicy(Step<?> step, List<String> problems) {
    CachePolicy policy = step.options().cachePolicy();
    if (!policy.enabled()) {
      return;
    }
    if (step instanceof SubflowStep<?>) {
      problems.add(
          "sub-flow step '"
              + step.name()
              + "' has a cache policy; cache the tasks inside the sub-flow instead");
      return;
    }
    List<String> names = step.inputs().stream().map(Input::source).toList();
    for (String excluded : policy.excluded()) {
      if (!names.contains(excluded)) {
        problems.add(
            "step '"
                + step.name()
                + "' leaves input '"
                + excluded
                + "' out of its cache key, but it has no such input; its inputs are "
                + names);
      }
    }
  }

  /** Options a step kind cannot honour are refused here, so none is stored and ignored. */
  private static void validateOptions(Step<?> step, List<String> problems) {
    TaskOptions options = step.options();
    if (step instanceof SubflowStep<?>) {
      if (!options.tags().isEmpty()) {
        problems.add(
            "sub-flow step '"
                + step.name()
                + "' has tags "
                + new java.util.TreeSet<>(options.tags())
                + "; a sub-flow step takes no concurrency slot, so tag the tasks inside the"
                + " sub-flow instead");
      }
      if (!options.version().isEmpty()) {
        problems.add(
            "sub-flow step '"
                + step.name()
                + "' has a version; a step's version is part of its cache key and a sub-flow step"
                + " is not cached, so version the child flow (Flows.named(..).version(..))"
                + " instead");
      }
    } else if (!options.version().isEmpty() && !options.cachePolicy().enabled()) {
      problems.add(
          "step '"
              + step.name()
              + "' has version '"
              + options.version()
              + "' but no cache policy; a step's version only enters its cache key, so add"
              + " .cache() or drop .version()");
    }
  }

  private static void validateBindings(SubflowStep<?> sub, List<String> problems) {
    Flow<?> child = sub.flow();
    Set<String> bound = new LinkedHashSet<>(sub.bindings().keySet());
    for (String constant : sub.constants().keySet()) {
      if (!bound.add(constant)) {
        problems.add("sub-flow step '" + sub.name() + "' binds parameter '" + constant + "' twice");
      }
    }
    for (String param : bound) {
      if (child.parameter(param).isEmpty()) {
        problems.add(
            "sub-flow step '"
                + sub.name()
                + "' binds '"
                + param
                + "', which is not a parameter of flow '"
                + child.name()
                + "' (it has "
                + child.parametersByName.keySet()
                + ")");
      }
    }
    for (Parameter<?> p : child.parameters()) {
      if (p.required() && !bound.contains(p.name())) {
        problems.add(
            "sub-flow step '"
                + sub.name()
                + "' does not bind the required parameter '"
                + p.name()
                + "' of flow '"
                + child.name()
                + "'");
      }
    }
  }

  /** Depth-first search without recursion (a 10^6-step chain must not overflow the stack). */
  private List<String> findCycles() {
    int n = steps.size();
    Map<String, Integer> index = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      index.put(steps.get(i).name(), i);
    }
    int[][] upstreams = new int[n][];
    for (int i = 0; i < n; i++) {
      int self = i;
      upstreams[i] =
          steps.get(i).upstreams().stream()
              .map(in -> index.get(in.source()))
              .filter(Objects::nonNull)
              .filter(up -> up != self) // reported as "depends on itself"
              .mapToInt(Integer::intValue)
              .toArray();
    }
    byte[] color = new byte[n]; // 0 new, 1 on the stack, 2 done
    int[] stack = new int[n];
    int[] cursor = new int[n];
    List<String> cycles = new ArrayList<>();
    Set<Set<Integer>> reported = new java.util.HashSet<>();
    for (int root = 0; root < n; root++) {
      if (color[root] != 0) {
        continue;
      }
      int depth = 0;
      stack[0] = root;
      color[root] = 1;
      while (depth >= 0) {
        int node = stack[depth];
        if (cursor[node] < upstreams[node].length) {
          int next = upstreams[node][cursor[node]++];
          if (color[next] == 0) {
            color[next] = 1;
            stack[++depth] = next;
          } else if (color[next] == 1) {
            int from = depth;
            while (stack[from] != next) {
              from--;
            }
            Set<Integer> members = new java.util.HashSet<>();
            // The stack runs downstream -> upstream; print the cycle in data-flow order.
            StringBuilder path = new StringBuilder();
            for (int k = depth; k >= from; k--) {
              members.add(stack[k]);
              path.append('\'').append(steps.get(stack[k]).name()).append("' -> ");
            }
            path.append('\'').append(steps.get(stack[depth]).name()).append('\'');
            if (reported.add(members) && cycles.size() < 10) {
              cycles.add("cycle: " + path + "; remove one of these dependencies");
            }
          }
        } else {
          color[node] = 2;
          depth--;
        }
      }
    }
    return cycles;
  }

  /** The flow's name. */
  public String name() {
    return name;
  }

  /** The flow's options. */
  public FlowOptions options() {
    return options;
  }

  /** The flow's parameters, in definition order. */
  public List<Parameter<?>> parameters() {
    return parameters;
  }

  /** The flow's steps, in definition order. */
  public List<Step<?>> steps() {
    return steps;
  }

  /** The parameter with this name. */
  public Optional<Parameter<?>> parameter(String name) {
    return Optional.ofNullable(parametersByName.get(name));
  }

  /** The step with this name. */
  public Optional<Step<?>> step(String name) {
    return Optional.ofNullable(stepsByName.get(name));
  }

  /** The name of the step whose result is the flow's result, if there is one. */
  public Optional<String> resultStep() {
    return Optional.ofNullable(resultStep);
  }

  /** The type of the flow's result, {@code Void.class} when it has no result step. */
  public Type resultType() {
    return resultStep == null
        ? Void.class
        : Objects.requireNonNull(stepsByName.get(resultStep), "result step").outputType();
  }

  /**
   * The DAG as a Mermaid {@code flowchart}, ready to paste into Markdown. Parameters are rounded,
   * mapped steps hexagons, sub-flows framed; order-only edges are dotted and outcome edges
   * labelled.
   */
  public String toMermaid() {
    return Diagrams.mermaid(this);
  }

  /** The DAG in Graphviz DOT, with the same conventions as {@link #toMermaid()}. */
  public String toDot() {
    return Diagrams.dot(this);
  }

  @Override
  public String toString() {
    return "Flow[" + name + ", " + steps.size() + " steps]";
  }
}
