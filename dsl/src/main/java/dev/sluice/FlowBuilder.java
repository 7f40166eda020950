package dev.sluice;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowValidationException;
import dev.sluice.api.TypeRef;
import dev.sluice.api.spi.FlowOptions;
import dev.sluice.api.spi.Input;
import dev.sluice.api.spi.Parameter;
import dev.sluice.api.spi.Step;
import dev.sluice.api.spi.TaskBody;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Defines a flow's steps; handed to the lambda of {@link Flows.Definition#define}. Every method
 * returns a typed {@link Ref} to wire into later steps, so a step can only take upstreams that
 * already exist and the compiler checks their types.
 *
 * {@snippet :
 * Flow<Void> pipeline = Flows.named("etl").define(f -> {
 *   var day  = f.param("day", LocalDate.class);
 *   var rows = f.task("extract", day, Source::read).retries(3);
 *   var ok   = f.map("load", rows, Sink::write).maxParallel(8);
 *   f.action("notify", ok.outcome(), Alerts::send);
 * });
 * }
 *
 * <p>A builder is single-use and not thread-safe; its handles may not be changed once the flow is
 * built.
 */
public final class FlowBuilder {
  private final String flowName;
  private final List<ParamHandle<?>> parameters = new ArrayList<>();
  private final List<StepHandle<?, ?>> steps = new ArrayList<>();
  private final Set<String> problems = new LinkedHashSet<>();
  private final Set<String> foreign = new LinkedHashSet<>();
  private boolean built;

  FlowBuilder(String flowName) {
    this.flowName = flowName;
  }

  /** Declares a required parameter of type {@code type}. */
  @CanIgnoreReturnValue
  public <T> ParamHandle<T> param(String name, Class<T> type) {
    return addParam(name, type);
  }

  /**
   * Declares a required parameter of a generic type, e.g. {@code new TypeRef<List<Integer>>() {}}.
   */
  @CanIgnoreReturnValue
  public <T> ParamHandle<T> param(String name, TypeRef<T> type) {
    return addParam(name, type.type());
  }

  private <T> ParamHandle<T> addParam(String name, java.lang.reflect.Type type) {
    checkOpen();
    ParamHandle<T> param = new ParamHandle<>(this, checkName(name), type);
    parameters.add(param);
    return param;
  }

  /**
   * Adds a task, returning its result.
   *
   * @param name the task's name, unique in the flow
   */
  @CanIgnoreReturnValue
  public <R> TaskHandle<R> task(String name, TaskFunction0<? extends R> fn) {
    Objects.requireNonNull(fn, "fn");
    return addTask(name, fn, fn);
  }

  /**
   * Adds a task taking the value of {@code a}, returning its result.
   *
   * @param name the task's name, unique in the flow
   */
  @CanIgnoreReturnValue
  public <A, R> TaskHandle<R> task(
      String name, Ref<A> a, TaskFunction1<? super A, ? extends R> fn) {
    Objects.requireNonNull(fn, "fn");
    return addTask(name, fn, fn, a);
  }

  /**
   * Adds a task taking the value of {@code a} and {@code b}, returning its result.
   *
   * @param name the task's name, unique in the flow
   */
  @CanIgnoreReturnValue
  public <A, B, R> TaskHandle<R> task(
      String name, Ref<A> a, Ref<B> b, TaskFunction2<? super A, ? super B, ? extends R> fn) {
    Objects.requireNonNull(fn, "fn");
    return addTask(name, fn, fn, a, b);
  }

  /**
   * Adds a task taking the value of {@code a}, {@code b} and {@code c}, returning its result.
   *
   * @param name the task's name, unique in the flow
   */
  @CanIgnoreReturnValue
  public <A, B, C, R> TaskHandle<R> task(
      String name,
      Ref<A> a,
      Ref<B> b,
      Ref<C> c,
      TaskFunction3<? super A, ? super B, ? super C, ? extends R> fn) {
    Objects.requireNonNull(fn, "fn");
    return addTask(name, fn, fn, a, b, c);
  }

  /**
   * Adds a task taking the value of {@code a}, {@code b}, {@code c} and {@code d}, returning its
   * result.
   *
   * @param name the task's name, unique in the flow
   */
  @CanIgnoreReturnValue
  public <A, B, C, D, R> TaskHandle<R> task(
      String name,
      Ref<A> a,
      Ref<B> b,
      Ref<C> c,
      Ref<D> d,
      TaskFunction4<? super A, ? super B, ? super C, ? super D, ? extends R> fn) {
    Objects.requireNonNull(fn, "fn");
    return addTask(name, fn, fn, a, b, c, d);
  }

  /**
   * Adds a task taking the value of {@code a}, {@code b}, {@code c}, {@code d} and {@code e},
   * returning its result.
   *
   * @param name the task's name, unique in the flow
   */
  @CanIgnoreReturnValue
  public <A, B, C, D, E, R> TaskHandle<R> task(
      String name,
      Ref<A> a,
      Ref<B> b,
      Ref<C> c,
      Ref<D> d,
      Ref<E> e,
      TaskFunction5<? super A, ? super B, ? super C, ? super D, ? super E, ? extends R> fn) {
    Objects.requireNonNull(fn, "fn");
    return addTask(name, fn, fn, a, b, c, d, e);
  }

  /**
   * Adds a task, returning nothing; its result is {@code null}.
   *
   * @param name the task's name, unique in the flow
   */
  @CanIgnoreReturnValue
  public TaskHandle<Void> action(String name, TaskAction0 fn) {
    Objects.requireNonNull(fn, "fn");
    return addTask(name, fn, fn);
  }

  /**
   * Adds a task taking the value of {@code a}, returning nothing; its result is {@code null}.
   *
   * @param name the task's name, unique in the flow
   */
  @CanIgnoreReturnValue
  public <A> TaskHandle<Void> action(String name, Ref<A> a, TaskAction1<? super A> fn) {
    Objects.requireNonNull(fn, "fn");
    return addTask(name, fn, fn, a);
  }

  /**
   * Adds a task taking the value of {@code a} and {@code b}, returning nothing; its result is
   * {@code null}.
   *
   * @param name the task's name, unique in the flow
   */
  @CanIgnoreReturnValue
  public <A, B> TaskHandle<Void> action(
      String name, Ref<A> a, Ref<B> b, TaskAction2<? super A, ? super B> fn) {
    Objects.requireNonNull(fn, "fn");
    return addTask(name, fn, fn, a, b);
  }

  /**
   * Adds a task taking the value of {@code a}, {@code b} and {@code c}, returning nothing; its
   * result is {@code null}.
   *
   * @param name the task's name, unique in the flow
   */
  @CanIgnoreReturnValue
  public <A, B, C> TaskHandle<Void> action(
      String name, Ref<A> a, Ref<B> b, Ref<C> c, TaskAction3<? super A, ? super B, ? super C> fn) {
    Objects.requireNonNull(fn, "fn");
    return addTask(name, fn, fn, a, b, c);
  }

  /**
   * Adds a task taking the value of {@code a}, {@code b}, {@code c} and {@code d}, returning
   * nothing; its result is {@code null}.
   *
   * @param name the task's name, unique in the flow
   */
  @CanIgnoreReturnValue
  public <A, B, C, D> TaskHandle<Void> action(
      String name,
      Ref<A> a,
      Ref<B> b,
      Ref<C> c,
      Ref<D> d,
      TaskAction4<? super A, ? super B, ? super C, ? super D> fn) {
    Objects.requireNonNull(fn, "fn");
    return addTask(name, fn, fn, a, b, c, d);
  }

  /**
   * Adds a task taking the value of {@code a}, {@code b}, {@code c}, {@code d} and {@code e},
   * returning nothing; its result is {@code null}.
   *
   * @param name the task's name, unique in the flow
   */
  @CanIgnoreReturnValue
  public <A, B, C, D, E> TaskHandle<Void> action(
      String name,
      Ref<A> a,
      Ref<B> b,
      Ref<C> c,
      Ref<D> d,
      Ref<E> e,
      TaskAction5<? super A, ? super B, ? super C, ? super D, ? super E> fn) {
    Objects.requireNonNull(fn, "fn");
    return addTask(name, fn, fn, a, b, c, d, e);
  }

  /**
   * Adds a task taking the values of any number of upstreams of one type, as a list in the order
   * given: a fan-in whose width is known when the flow is defined.
   */
  @SuppressWarnings("unchecked")
  @CanIgnoreReturnValue
  public <T, R> TaskHandle<R> gather(
      String name,
      List<? extends Ref<? extends T>> upstreams,
      TaskFunction1<? super List<T>, ? extends R> fn) {
    Objects.requireNonNull(fn, "fn");
    return addTask(
        name,
        fn,
        args -> {
          List<T> values = new ArrayList<>(args.size());
          for (int i = 0; i < args.size(); i++) {
            values.add((T) args.get(i));
          }
          return fn.apply(values);
        },
        upstreams.toArray(new Ref<?>[0]));
  }

  /**
   * Adds a mapped step: {@code fn} runs once per element of the list {@code items} produces, each
   * element its own task run with its own state and retries; the step's result is the list of
   * results, in element order.
   */
  @CanIgnoreReturnValue
  public <T, R> MapHandle<R> map(
      String name,
      Ref<? extends Iterable<? extends T>> items,
      TaskFunction1<? super T, ? extends R> fn) {
    Objects.requireNonNull(fn, "fn");
    return addMap(name, fn, items, fn);
  }

  /**
   * Adds a mapped step whose function also takes the value of {@code b}, the same for every
   * element.
   */
  @CanIgnoreReturnValue
  public <T, B, R> MapHandle<R> map(
      String name,
      Ref<? extends Iterable<? extends T>> items,
      Ref<B> b,
      TaskFunction2<? super T, ? super B, ? extends R> fn) {
    Objects.requireNonNull(fn, "fn");
    return addMap(name, fn, items, fn, b);
  }

  /**
   * Adds a step that runs {@code flow} as a sub-flow: its own flow run, linked to this one, whose
   * result is the step's result. Bind its parameters with {@link SubflowHandle#with}.
   */
  @CanIgnoreReturnValue
  public <R> SubflowHandle<R> subflow(String name, Flow<R> flow) {
    checkOpen();
    SubflowHandle<R> handle = new SubflowHandle<>(this, checkName(name), flow);
    steps.add(handle);
    return handle;
  }

  private <R> TaskHandle<R> addTask(String name, Object fn, TaskBody body, Ref<?>... upstreams) {
    checkOpen();
    String checked = checkName(name);
    List<Input> inputs = new ArrayList<>(upstreams.length);
    TaskHandle<R> handle = new TaskHandle<>(this, checked, inputs, fn, body);
    for (Ref<?> upstream : upstreams) {
      inputs.add(wire(handle, upstream));
    }
    steps.add(handle);
    return handle;
  }

  private <R> MapHandle<R> addMap(
      String name, Object fn, Ref<?> items, TaskBody body, Ref<?>... broadcast) {
    checkOpen();
    String checked = checkName(name);
    List<Input> extra = new ArrayList<>(broadcast.length);
    Objects.requireNonNull(items, "items");
    if (items instanceof Ref.OutcomeRef<?>) {
      throw new IllegalArgumentException(
          "map step '" + checked + "' cannot map over an outcome; pass the step's value");
    }
    MapHandle<R> handle =
        new MapHandle<>(this, checked, Input.value(items.name()), extra, fn, body);
    wire(handle, items);
    for (Ref<?> b : broadcast) {
      extra.add(wire(handle, b));
    }
    steps.add(handle);
    return handle;
  }

  private static String checkName(String name) {
    Objects.requireNonNull(name, "name");
    return name;
  }

  /** The input naming {@code upstream}, recording a problem if it belongs to another flow. */
  @CanIgnoreReturnValue // called for its check alone where the input is built already
  Input wire(Ref<?> downstream, Ref<?> upstream) {
    Objects.requireNonNull(upstream, "upstream");
    if (upstream.owner != this) {
      foreign.add(upstream.name());
      problem(
          "step '"
              + downstream.name()
              + "' uses '"
              + upstream.name()
              + "' from flow '"
              + upstream.owner.flowName
              + "'; steps can only take values of their own flow (use a sub-flow to reuse one)");
    }
    return upstream.input();
  }

  void problem(String problem) {
    problems.add(problem);
  }

  void checkOpen() {
    if (built) {
      throw new IllegalStateException(
          "flow '" + flowName + "' is already built; define every step inside define(...)");
    }
  }

  <R> Flow<R> build(FlowOptions options, @Nullable Ref<R> result) {
    checkOpen();
    built = true;
    if (result != null) {
      if (!(result instanceof StepHandle<?, ?>) || result.owner != this) {
        problem(
            "the result of flow '"
                + flowName
                + "' must be a step of this flow; '"
                + result.name()
                + "' is not");
      }
    }
    List<Parameter<?>> params = new ArrayList<>(parameters.size());
    parameters.forEach(p -> params.add(p.build()));
    List<Step<?>> built = new ArrayList<>(steps.size());
    steps.forEach(s -> built.add(s.build()));
    List<String> all = new ArrayList<>(problems);
    try {
      Flow<R> flow =
          Flow.of(flowName, options, params, built, result == null ? null : result.name());
      if (all.isEmpty()) {
        return flow;
      }
    } catch (FlowValidationException e) {
      for (String p : e.problems()) {
        if (foreign.stream().noneMatch(name -> p.contains("needs '" + name + "'"))) {
          all.add(p);
        }
      }
    }
    throw new FlowValidationException(flowName, all);
  }
}
