/**
 * The {@code threadpool} executor: attempts run in parallel on a bounded pool of platform threads
 * (work-stealing), or each on its own virtual thread for I/O-bound work. Chosen by default when it
 * is on the classpath.
 */
@NullMarked
package dev.sluice.executor.threadpool;

import org.jspecify.annotations.NullMarked;
