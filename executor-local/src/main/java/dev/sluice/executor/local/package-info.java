/**
 * The {@code local} executor: attempts run on the calling thread in a deterministic order. Selected
 * by name ({@code "local"}) or, when no other executor is on the classpath, by default.
 */
@NullMarked
package dev.sluice.executor.local;

import org.jspecify.annotations.NullMarked;
