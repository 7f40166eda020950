/**
 * The executor SPI: where an attempt's body runs. The engine decides <em>when</em> an attempt runs
 * and hands it to a {@link dev.sluice.api.executor.TaskExecutor}; executors are found by name
 * through {@link java.util.ServiceLoader} via their {@link
 * dev.sluice.api.executor.ExecutorProvider}.
 */
@NullMarked
package dev.sluice.api.executor;

import org.jspecify.annotations.NullMarked;
