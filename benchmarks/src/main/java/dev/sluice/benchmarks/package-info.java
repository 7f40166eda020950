/**
 * JMH benchmarks of the scheduling hot path: Sluice's executors on the standard DAG shapes of
 * scheduler benchmarks, beside two hand-written bounds and peer libraries, in one run. Run them
 * with {@code benchmarks/run} (see the README).
 */
package dev.sluice.benchmarks;
