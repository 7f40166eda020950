/**
 * The Sluice model: flows as immutable DAGs of steps, their options, the {@link
 * dev.sluice.api.State} hierarchy, run records and the listener SPI.
 *
 * <p>Users build flows with the fluent DSL ({@code dev.sluice.Flows}) and run them with {@code
 * dev.sluice.Sluice}; the types here are what they get back and what extensions implement.
 * Everything in this package is immutable unless its Javadoc says otherwise, so a method's result
 * is the point of calling it: Error Prone's {@code CheckReturnValue} flags a dropped one, such as
 * {@code policy.jitter(0.2);} on its own.
 */
@NullMarked
@CheckReturnValue
package dev.sluice.api;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
