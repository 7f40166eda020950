/**
 * The Sluice run engine — <b>internal, not a supported API</b>. Users reach it only through {@code
 * dev.sluice.Sluice}. The few public types here are public so that the DSL and the {@code sluice}
 * command can wire the engine; they may change or disappear in any release without notice, and
 * nothing outside Sluice's own modules should name them.
 */
@NullMarked
package dev.sluice.engine.internal;

import org.jspecify.annotations.NullMarked;
