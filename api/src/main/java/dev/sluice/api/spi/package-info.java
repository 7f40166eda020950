/**
 * The flow graph as the engine and executors see it: steps, their inputs and options, and the
 * erased {@link dev.sluice.api.spi.TaskBody} that runs a task. This is a service-provider
 * interface, for code that builds flows from another description or runs their steps (the DSL, the
 * engine, executors that rebuild a flow from its entrypoint). Users build flows with the DSL
 * ({@code dev.sluice.Flows}) and never need these types.
 */
@NullMarked
package dev.sluice.api.spi;

import org.jspecify.annotations.NullMarked;
