/**
 * The Sluice model: flows as immutable DAGs of steps, their options, the {@link
 * dev.sluice.api.State} hierarchy, run records and the listener SPI.
 *
 * <p>Users build flows with the fluent DSL ({@code dev.sluice.Flows}) and run them with {@code
 * dev.sluice.Sluice}; the types here are what they get back and what extensions implement.
 * Everything in this package is immutable unless its Javadoc says otherwise.
 */
@NullMarked
package dev.sluice.api;

import org.jspecify.annotations.NullMarked;
