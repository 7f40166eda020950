/**
 * The executor contract: {@link dev.sluice.executor.contract.ExecutorContractSuite}, the JUnit 5
 * test suite every executor module runs against itself by subclassing it in its tests and declaring
 * its executor's {@link dev.sluice.executor.contract.ExecutorFeature features}. The suite's
 * testers, one per topic, sit here with their flows.
 */
@NullMarked
package dev.sluice.executor.contract;

import org.jspecify.annotations.NullMarked;
