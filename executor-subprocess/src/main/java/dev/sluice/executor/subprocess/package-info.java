/**
 * The {@code subprocess} executor: runs each attempt in a warm pool of worker JVMs, so a task that
 * exits, crashes or runs out of memory takes down only its worker. See {@code docs/subprocess.md}
 * for the wire protocol. Everything here but the provider and the worker's main class is internal.
 */
@NullMarked
package dev.sluice.executor.subprocess;

import org.jspecify.annotations.NullMarked;
