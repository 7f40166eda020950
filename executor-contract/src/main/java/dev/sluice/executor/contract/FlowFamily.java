package dev.sluice.executor.contract;

import dev.sluice.Flows;
import dev.sluice.api.Flow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A contract flow whose shape depends on the executor under test — how many tasks to start (its
 * {@link ExecutorContractSuite#parallelism() parallelism}), how long a timeout is (its {@link
 * ExecutorContractSuite#timeout() timeout}) — as one parameterised factory: {@link #of} builds the
 * member for a value once, named after it ({@code bounded-w4}, {@code times-out-t100ms}), so the
 * same value gives the same flow in every JVM.
 *
 * <p>A worker process rebuilds a flow from the entrypoint's list, so {@link #listed()} gives the
 * members for every value an executor whose tasks run in workers may ask for: widths 1 to {@value
 * #LISTED_WIDTHS} and the timeouts {@link #LISTED_TIMEOUTS}. Executors whose tasks run in this JVM
 * may use any value.
 *
 * @param <P> the parameter: a width, a timeout, both, or what else the flows differ by
 * @param <T> the flows' result type
 */
final class FlowFamily<P, T> {
  /** The widest members {@link #listed()} gives, for executors that rebuild flows in workers. */
  static final int LISTED_WIDTHS = 8;

  /**
   * The timeouts {@link #listed()} gives members for, for executors that rebuild flows in workers:
   * the default {@link ExecutorContractSuite#timeout()} and the subprocess executor's.
   */
  static final List<Duration> LISTED_TIMEOUTS =
      List.of(Duration.ofMillis(100), Duration.ofMillis(500));

  /** A width and a timeout, for flows that depend on both. */
  record Shape(int width, Duration timeout) {}

  private final String name;
  private final Function<P, String> suffix;
  private final BiFunction<Flows.Definition, P, Flow<T>> build;
  private final List<P> listed;
  private final Map<P, Flow<T>> built = new ConcurrentHashMap<>();

  private FlowFamily(
      String name,
      Function<P, String> suffix,
      BiFunction<Flows.Definition, P, Flow<T>> build,
      List<P> listed) {
    this.name = name;
    this.suffix = suffix;
    this.build = build;
    this.listed = listed;
  }

  /**
   * Flows that differ by {@code parameter}, each named after it with {@code suffix}; {@link
   * #listed()} gives one for each of {@code values}.
   */
  static <P, T> FlowFamily<P, T> over(
      String name,
      List<P> values,
      Function<P, String> suffix,
      BiFunction<Flows.Definition, P, Flow<T>> build) {
    return new FlowFamily<>(name, suffix, build, List.copyOf(values));
  }

  /** Flows of {@code width} tasks or so: {@code build} gets the member's definition and width. */
  static <T> FlowFamily<Integer, T> byWidth(
      String name, BiFunction<Flows.Definition, Integer, Flow<T>> build) {
    return new FlowFamily<>(name, FlowFamily::widthSuffix, build, widths());
  }

  /**
   * Flows with a timeout: {@code build} gets the member's definition and the executor's timeout.
   */
  static <T> FlowFamily<Duration, T> byTimeout(
      String name, BiFunction<Flows.Definition, Duration, Flow<T>> build) {
    return new FlowFamily<>(name, FlowFamily::timeoutSuffix, build, LISTED_TIMEOUTS);
  }

  /** Flows that depend on a width and a timeout. */
  static <T> FlowFamily<Shape, T> byShape(
      String name, BiFunction<Flows.Definition, Shape, Flow<T>> build) {
    List<Shape> shapes = new ArrayList<>();
    for (Duration timeout : LISTED_TIMEOUTS) {
      for (int width : widths()) {
        shapes.add(new Shape(width, timeout));
      }
    }
    return new FlowFamily<>(
        name,
        shape -> widthSuffix(shape.width()) + "-" + timeoutSuffix(shape.timeout()),
        build,
        shapes);
  }

  /** The member for {@code parameter}, built once. */
  Flow<T> of(P parameter) {
    String member;
    try {
      member = name + "-" + suffix.apply(parameter);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("flow '" + name + "': " + e.getMessage(), e);
    }
    return built.computeIfAbsent(
        parameter, value -> build.apply(ContractFlows.named(member), value));
  }

  /** The members for every listed value, for the entrypoint. */
  List<Flow<?>> listed() {
    List<Flow<?>> flows = new ArrayList<>();
    for (P parameter : listed) {
      flows.add(of(parameter));
    }
    return flows;
  }

  private static List<Integer> widths() {
    List<Integer> widths = new ArrayList<>();
    for (int width = 1; width <= LISTED_WIDTHS; width++) {
      widths.add(width);
    }
    return widths;
  }

  private static String widthSuffix(int width) {
    if (width < 1) {
      throw new IllegalArgumentException("needs a width of at least 1, not " + width);
    }
    return "w" + width;
  }

  private static String timeoutSuffix(Duration timeout) {
    return "t" + timeout.toMillis() + "ms";
  }
}
