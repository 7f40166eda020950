package dev.sluice.executor.subprocess;

import dev.sluice.api.Flow;
import dev.sluice.api.executor.Attempt;
import dev.sluice.api.executor.TaskExecutor;

/**
 * Lends an executor to a Sluice without letting it close it, so one warm pool serves every test of
 * a class (a worker JVM takes a good part of a second to start).
 */
record Unclosed(TaskExecutor executor) implements TaskExecutor {
  @Override
  public String name() {
    return executor.name();
  }

  @Override
  public void execute(Attempt attempt) {
    executor.execute(attempt);
  }

  @Override
  public void check(Flow<?> flow) {
    executor.check(flow);
  }

  @Override
  public void close() {
    // the test class closes the executor itself
  }
}
