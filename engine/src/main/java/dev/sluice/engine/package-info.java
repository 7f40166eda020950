/**
 * The Sluice run engine. Users reach it through {@code dev.sluice.Sluice}; the public types here
 * ({@link dev.sluice.engine.Engine}, {@link dev.sluice.engine.EngineComponent}, {@link
 * dev.sluice.engine.Json}, {@link dev.sluice.engine.EngineConfiguration}, {@link
 * dev.sluice.engine.Settings}) exist for the DSL and for tools, and everything else is
 * package-private.
 */
@NullMarked
package dev.sluice.engine;

import org.jspecify.annotations.NullMarked;
