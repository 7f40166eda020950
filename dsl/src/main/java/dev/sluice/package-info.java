/**
 * Sluice's user-facing entry points: {@link dev.sluice.Flows} to define a flow as a typed DAG, and
 * {@link dev.sluice.Sluice} to run it. The model it produces and the run records it returns are in
 * {@code dev.sluice.api}.
 *
 * <p>Results must be used ({@code @CheckReturnValue}), except where a method changes its receiver
 * and returns it for chaining (the step handles, {@code FlowBuilder}'s steps, the builders), which
 * are {@code @CanIgnoreReturnValue}.
 */
@NullMarked
@CheckReturnValue
package dev.sluice;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
