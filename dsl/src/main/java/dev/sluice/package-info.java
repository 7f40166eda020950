/**
 * Sluice's user-facing entry points: {@link dev.sluice.Flows} to define a flow as a typed DAG, and
 * {@link dev.sluice.Sluice} to run it. The model it produces and the run records it returns are in
 * {@code dev.sluice.api}.
 */
@NullMarked
package dev.sluice;

import org.jspecify.annotations.NullMarked;
