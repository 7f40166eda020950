package dev.sluice.executor.subprocess;

import static dev.sluice.executor.contract.ExecutorFeature.RUNS_ATTEMPTS_IN_PARALLEL;
import static dev.sluice.executor.contract.ExecutorFeature.RUNS_ATTEMPTS_IN_WORKER_PROCESSES;

import dev.sluice.Sluice;
import dev.sluice.api.executor.ExecutorSettings;
import dev.sluice.executor.contract.ExecutorContractSuite;
import dev.sluice.executor.contract.ExecutorFeature;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The executor contract, run against the subprocess executor on a warm pool of {@value #WORKERS}
 * worker JVMs, shared by the tests of this class (a worker takes a good part of a second to start).
 * The contract's flows name their entrypoint, which the workers rebuild them from; their tasks
 * report through files. Task code runs in the workers, not in this JVM: see {@link
 * ExecutorFeature#RUNS_ATTEMPTS_IN_WORKER_PROCESSES} for what that changes.
 */
class SubprocessExecutorContractTest extends ExecutorContractSuite {
  private static final int WORKERS = 3;
  private static SubprocessExecutor executor;

  @BeforeAll
  static void startPool() {
    executor =
        (SubprocessExecutor)
            new SubprocessExecutorProvider()
                .create(new ExecutorSettings(Map.of("workers", String.valueOf(WORKERS))));
  }

  @AfterAll
  static void stopPool() {
    executor.close();
  }

  @Override
  protected Sluice.Builder sluice() {
    return Sluice.builder().executor(new Unclosed(executor));
  }

  @Override
  protected int parallelism() {
    return WORKERS;
  }

  /**
   * Long enough for an attempt's first call in a fresh worker, which loads the contract's
   * entrypoint and builds its flows there while the attempt is Running.
   */
  @Override
  protected Duration timeout() {
    return Duration.ofMillis(500);
  }

  @Override
  protected Set<ExecutorFeature> features() {
    return EnumSet.of(RUNS_ATTEMPTS_IN_PARALLEL, RUNS_ATTEMPTS_IN_WORKER_PROCESSES);
  }
}
