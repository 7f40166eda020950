package dev.sluice;

import dev.sluice.api.Outcome;
import dev.sluice.api.spi.Input;

/**
 * A typed handle to a value in a flow being defined: a parameter, or a step's result. Pass it to
 * {@link FlowBuilder#task} and friends to wire the DAG; the compiler checks that types match.
 *
 * @param <T> the type of the value
 */
public abstract sealed class Ref<T> permits ParamHandle, StepHandle, Ref.OutcomeRef {
  final FlowBuilder owner;
  private final String name;

  Ref(FlowBuilder owner, String name) {
    this.owner = owner;
    this.name = name;
  }

  /** The name of the parameter or step. */
  public final String name() {
    return name;
  }

  /**
   * A handle to this value's {@link Outcome} instead: a step taking it runs whatever happens here —
   * success, failure or skip — and can handle it. Wiring an outcome makes a failure here handled.
   */
  public Ref<Outcome<T>> outcome() {
    return new OutcomeRef<>(this);
  }

  /** How a step taking this handle names its upstream. */
  Input input() {
    return Input.value(name);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + name + "]";
  }

  /** The outcome of another handle's value. */
  static final class OutcomeRef<T> extends Ref<Outcome<T>> {
    OutcomeRef(Ref<T> of) {
      super(of.owner, of.name());
    }

    @Override
    public Ref<Outcome<Outcome<T>>> outcome() {
      throw new UnsupportedOperationException(
          "'" + name() + "' is already an outcome; pass it as it is");
    }

    @Override
    Input input() {
      return Input.outcome(name());
    }
  }
}
