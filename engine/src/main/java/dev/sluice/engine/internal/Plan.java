package dev.sluice.engine.internal;

import dev.sluice.api.CachePolicy;
import dev.sluice.api.Flow;
import dev.sluice.api.spi.Condition;
import dev.sluice.api.spi.FlowOptions;
import dev.sluice.api.spi.Input;
import dev.sluice.api.spi.MapStep;
import dev.sluice.api.spi.Parameter;
import dev.sluice.api.spi.Step;
import dev.sluice.api.spi.SubflowStep;
import dev.sluice.api.spi.TaskBody;
import dev.sluice.api.spi.TaskStep;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A flow compiled once into flat arrays of int ids, so that a run allocates a few arrays rather
 * than a graph of objects. Steps are numbered in definition order; parameters are numbered
 * separately and encoded as negative sources ({@code -1 - p}).
 *
 * <p>Deliberately holds no reference to the {@link Flow} itself: plans are cached in a weak map
 * keyed by the flow.
 */
final class Plan {
  static final int NO_SOURCE = Integer.MIN_VALUE;

  final String flowName;
  final FlowOptions options;
  final List<Parameter<?>> parameters;
  final Step<?>[] steps;
  final int size;

  /** Upstream edges per step (every input, wait-for and condition edge; duplicates count). */
  final int[] upstreamCount;

  /** Downstream edges in CSR form: the edges leaving step i are {@code down[downStart[i]..]}. */
  final int[] downStart;

  final int[] down;

  /** Whether downstream edge e hands over the outcome (so the downstream runs whatever happens). */
  final boolean[] downOutcome;

  /** Per step, the encoded source of each argument, in argument order. */
  final int[][] argSources;

  /** Per step, whether each argument is an outcome. */
  final boolean[][] argOutcome;

  /** Per step, the encoded source of its condition's input, or {@link #NO_SOURCE}. */
  final int[] conditionSource;

  /** Per step, the distinct steps whose values it reads (args and condition); for releasing. */
  final int[][] valueSources;

  /** Per step, how many distinct downstream steps read its value. */
  final int[] consumerCount;

  /** Per step, whether its result is kept for the run record after its consumers took it. */
  final boolean[] keepResult;

  /** Per step, whether every edge leaving it is an outcome edge, so its failure is handled. */
  final boolean[] handled;

  /** Steps with no upstream, in definition order. */
  final int[] roots;

  /** The flow's result step, or -1. */
  final int resultStep;

  final Map<String, Integer> indexByName;

  // Per step, what the hot path reads, in flat arrays: touching a step's record (one cold object
  // per step) for each of these cost a third of the local executor's time per task.

  /**
   * Per step, what the hot path needs to know before it looks anything else up: its kind ({@link
   * #KIND}) and which of the optional per-step arrays hold something for it ({@link #SLOTS}...), so
   * a plain task touches one int here instead of a cache line in each of those arrays.
   */
  final int[] flags;

  /** The bits of {@link #flags} holding the step's kind. */
  static final int KIND = 3;

  static final int TASK = 0;
  static final int MAP = 1;
  static final int SUBFLOW = 2;

  /** The step's attempts need concurrency slots ({@link #slots}). */
  static final int SLOTS = 1 << 2;

  /** The step has a condition ({@link #conditions}). */
  static final int CONDITION = 1 << 3;

  /** The step has a cache policy ({@link #cachePolicies}). */
  static final int CACHED = 1 << 4;

  /** The step has an attempt timeout ({@link #timeoutNanos}). */
  static final int TIMEOUT = 1 << 5;

  /** The step reads other steps' values ({@link #valueSources}), which may then be released. */
  static final int READS_VALUES = 1 << 6;

  /** The steps no step runs after, counted down by a run: it ends when they all have. */
  final Terminals terminals;

  /**
   * Per step, the initial value of its pending word in a run: in the low 32 bits, the number of
   * upstream edges, or for a step with more than {@link Buckets#SIZE} of them the number of its
   * fan-in buckets (see {@code Execution.pending}).
   */
  final long[] initialPending;

  /**
   * Per downstream edge: its fan-in bucket's slot in {@link #initialFanIn}; {@link #SOLE} when it
   * is its downstream step's only upstream edge, which needs no count (that step is ready when it
   * ends); else {@link #COUNTED}.
   */
  final int[] downSlot;

  static final int COUNTED = -1;
  static final int SOLE = -2;

  /**
   * Per fan-in bucket slot, how many upstream edges it counts (padding slots are 0). A step with
   * more than {@link Buckets#SIZE} upstream edges is counted down in {@link Buckets}, and only an
   * emptied bucket counts down the step's own word: the upstreams of a wide fan-in end on every
   * worker at once, and one word decremented by all of them moved its cache line between cores at
   * nearly every task.
   */
  final int[] initialFanIn;

  /** Per task step, its body; null for other kinds. */
  final @Nullable TaskBody[] bodies;

  /** Per step, its condition, or null. */
  final @Nullable Condition[] conditions;

  /** Per step, its attempt timeout in nanoseconds, or 0 for none. */
  final long[] timeoutNanos;

  /** Per step, whether it may fail without failing the flow. */
  final boolean[] allowFailure;

  /** Per step, its cache policy when it has one, else null. */
  final @Nullable CachePolicy[] cachePolicies;

  /** Per step, the concurrency slots each of its attempts needs, or null. */
  final ConcurrencyLimits.Slot[] @Nullable [] slots;

  Plan(Flow<?> flow, ConcurrencyLimits limits) {
    this.flowName = flow.name();
    this.options = flow.options();
    this.parameters = flow.parameters();
    List<Step<?>> list = flow.steps();
    this.size = list.size();
    this.steps = list.toArray(new Step<?>[0]);

    Map<String, Integer> sources = new HashMap<>(size * 2 + parameters.size() * 2);
    for (int p = 0; p < parameters.size(); p++) {
      sources.put(parameters.get(p).name(), -1 - p);
    }
    Map<String, Integer> index = new HashMap<>(size * 2);
    for (int i = 0; i < size; i++) {
      sources.put(steps[i].name(), i);
      index.put(steps[i].name(), i);
    }
    this.indexByName = Map.copyOf(index);

    upstreamCount = new int[size];
    argSources = new int[size][];
    argOutcome = new boolean[size][];
    conditionSource = new int[size];
    valueSources = new int[size][];
    consumerCount = new int[size];
    keepResult = new boolean[size];
    int[] outDegree = new int[size];
    int[] outcomeOutDegree = new int[size];
    // Each step's upstreams resolved once, for both passes: edges[i][k] is the source id, or -1 for
    // a parameter; edgeOutcome[i][k] whether that edge is an outcome edge.
    int[][] edges = new int[size][];
    boolean[][] edgeOutcome = new boolean[size][];

    // First pass: per-step arrays and out-degrees.
    for (int i = 0; i < size; i++) {
      Step<?> step = steps[i];
      List<Input> inputs = step.inputs();
      int[] args = new int[inputs.size()];
      boolean[] outcome = new boolean[inputs.size()];
      for (int a = 0; a < args.length; a++) {
        args[a] = sourceIndex(sources, inputs.get(a).source());
        outcome[a] = inputs.get(a).outcome();
      }
      argSources[i] = args;
      argOutcome[i] = outcome;
      Condition condition = step.condition();
      conditionSource[i] =
          condition != null && condition.input() != null
              ? sourceIndex(sources, condition.input().source())
              : NO_SOURCE;
      List<Input> upstreams = step.upstreams();
      edges[i] = new int[upstreams.size()];
      edgeOutcome[i] = new boolean[upstreams.size()];
      for (int k = 0; k < upstreams.size(); k++) {
        Input in = upstreams.get(k);
        int src = Math.max(sourceIndex(sources, in.source()), -1);
        edges[i][k] = src;
        edgeOutcome[i][k] = in.outcome();
        if (src >= 0) {
          upstreamCount[i]++;
          outDegree[src]++;
          if (in.outcome()) {
            outcomeOutDegree[src]++;
          }
        }
      }
      int[] reads = new int[args.length + 1];
      int n = 0;
      for (int src : args) {
        n = addDistinct(reads, n, src);
      }
      n = addDistinct(reads, n, conditionSource[i]);
      valueSources[i] = Arrays.copyOf(reads, n);
      for (int src : valueSources[i]) {
        consumerCount[src]++;
      }
      keepResult[i] = step.options().keepResult();
    }

    // Second pass: CSR downstream arrays, in definition order of the downstream step.
    downStart = new int[size + 1];
    for (int i = 0; i < size; i++) {
      downStart[i + 1] = downStart[i] + outDegree[i];
    }
    down = new int[downStart[size]];
    downOutcome = new boolean[down.length];
    downSlot = new int[down.length];
    int[] fill = Arrays.copyOf(downStart, size);
    int fanInSlots = 0;
    for (int i = 0; i < size; i++) {
      if (upstreamCount[i] > Buckets.SIZE) {
        fanInSlots += Buckets.count(upstreamCount[i]) * Buckets.LINE;
      }
    }
    initialFanIn = new int[fanInSlots];
    int nextSlot = 0;
    for (int i = 0; i < size; i++) {
      boolean bucketed = upstreamCount[i] > Buckets.SIZE;
      int edge = 0; // among i's upstream edges from steps
      for (int k = 0; k < edges[i].length; k++) {
        int src = edges[i][k];
        if (src >= 0) {
          int e = fill[src]++;
          down[e] = i;
          downOutcome[e] = edgeOutcome[i][k];
          int slot = Buckets.slot(nextSlot, edge);
          downSlot[e] = bucketed ? slot : upstreamCount[i] == 1 ? SOLE : COUNTED;
          if (bucketed) {
            initialFanIn[slot]++;
          }
          edge++;
        }
      }
      if (bucketed) {
        nextSlot += Buckets.count(upstreamCount[i]) * Buckets.LINE;
      }
    }

    handled = new boolean[size];
    int rootCount = 0;
    for (int i = 0; i < size; i++) {
      handled[i] = outDegree[i] > 0 && outcomeOutDegree[i] == outDegree[i];
      if (upstreamCount[i] == 0) {
        rootCount++;
      }
    }
    roots = new int[rootCount];
    for (int i = 0, r = 0; i < size; i++) {
      if (upstreamCount[i] == 0) {
        roots[r++] = i;
      }
    }
    slots = new ConcurrencyLimits.Slot[size][];
    flags = new int[size];
    initialPending = new long[size];
    bodies = new TaskBody[size];
    boolean[] terminal = new boolean[size];
    conditions = new Condition[size];
    timeoutNanos = new long[size];
    allowFailure = new boolean[size];
    cachePolicies = new CachePolicy[size];
    for (int i = 0; i < size; i++) {
      Step<?> step = steps[i];
      slots[i] = limits.slotsFor(step.options().tags());
      int f =
          switch (step) {
            case TaskStep<?> t -> TASK;
            case MapStep<?> m -> MAP;
            case SubflowStep<?> s -> SUBFLOW;
          };
      bodies[i] =
          switch (step) {
            case TaskStep<?> t -> t.body();
            case MapStep<?> m -> m.body();
            case SubflowStep<?> s -> null;
          };
      conditions[i] = step.condition();
      java.time.Duration timeout = step.options().timeout();
      timeoutNanos[i] = timeout == null ? 0 : timeout.toNanos();
      allowFailure[i] = step.options().allowFailure();
      CachePolicy cache = step.options().cachePolicy();
      cachePolicies[i] = cache.enabled() ? cache : null;
      f |= slots[i] != null ? SLOTS : 0;
      f |= conditions[i] != null ? CONDITION : 0;
      f |= cachePolicies[i] != null ? CACHED : 0;
      f |= timeoutNanos[i] != 0 ? TIMEOUT : 0;
      f |= valueSources[i].length > 0 ? READS_VALUES : 0;
      flags[i] = f;
      initialPending[i] =
          upstreamCount[i] > Buckets.SIZE ? Buckets.count(upstreamCount[i]) : upstreamCount[i];
      terminal[i] = outDegree[i] == 0;
    }
    terminals = new Terminals(terminal);
    resultStep = flow.resultStep().map(index::get).orElse(-1);
    if (resultStep >= 0) {
      keepResult[resultStep] = true;
    }
  }

  private static int addDistinct(int[] set, int n, int source) {
    if (source < 0) {
      return n; // parameters and "no source" are never released
    }
    for (int k = 0; k < n; k++) {
      if (set[k] == source) {
        return n;
      }
    }
    set[n] = source;
    return n + 1;
  }

  /** Whether {@code downstream} has an upstream edge from {@code step}. */
  boolean isDownstream(int step, int downstream) {
    for (int e = downStart[step]; e < downStart[step + 1]; e++) {
      if (down[e] == downstream) {
        return true;
      }
    }
    return false;
  }

  String name(int step) {
    return steps[step].name();
  }

  // Declared argument types, for executors that encode arguments (Attempt.argumentType). Worked
  // out on first use, so flows on in-process executors never pay for them; published whole by the
  // volatile write (racing threads may each work them out: harmless).
  private volatile Type @Nullable [][] argumentTypes;

  /** The declared types of step {@code step}'s arguments (for a map step, arg 0 is one element). */
  Type[] argumentTypes(int step) {
    Type[][] all = argumentTypes;
    if (all == null) {
      all = new Type[size][];
      for (int i = 0; i < size; i++) {
        int[] args = argSources[i];
        Type[] types = new Type[args.length];
        for (int a = 0; a < args.length; a++) {
          int source = args[a];
          Type type = source < 0 ? parameters.get(-1 - source).type() : steps[source].outputType();
          types[a] = a == 0 && (flags[i] & KIND) == MAP ? elementType(type) : type;
        }
        all[i] = types;
      }
      argumentTypes = all;
    }
    return all[step];
  }

  // Flow's constructor has checked that every input names a parameter or an earlier step.
  private static int sourceIndex(Map<String, Integer> sources, String source) {
    return Objects.requireNonNull(sources.get(source), () -> "unknown source " + source);
  }

  /** The declared result type of one call of step {@code step}'s body. */
  Type bodyResultType(int step) {
    return steps[step] instanceof MapStep<?> map ? map.elementType() : steps[step].outputType();
  }

  private static Type elementType(Type listType) {
    if (listType instanceof ParameterizedType list && list.getActualTypeArguments().length == 1) {
      Type element = list.getActualTypeArguments()[0];
      return element instanceof WildcardType wildcard ? wildcard.getUpperBounds()[0] : element;
    }
    return Object.class;
  }
}
