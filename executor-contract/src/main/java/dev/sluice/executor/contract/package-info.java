/**
 * The executor contract: {@link dev.sluice.executor.contract.ExecutorContract}, the JUnit 5 test
 * suite every executor module runs against itself by subclassing it in its tests.
 */
@NullMarked
package dev.sluice.executor.contract;

import org.jspecify.annotations.NullMarked;
