/**
 * Micrometer metrics for Sluice: {@link dev.sluice.micrometer.SluiceMetrics} makes the run listener
 * that counts flow and task runs by final state, times runs and their waits for a concurrency slot
 * or a retry, and reports running attempts and free slots per tag.
 */
@NullMarked
package dev.sluice.micrometer;

import org.jspecify.annotations.NullMarked;
