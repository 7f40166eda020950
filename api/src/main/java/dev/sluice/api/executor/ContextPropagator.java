package dev.sluice.api.executor;

import java.util.Map;

/**
 * Carries the calling thread's context (a tracing context, for example) with an attempt that runs
 * in another process, and makes it current there around the body. Executors that run bodies
 * elsewhere find propagators through {@link java.util.ServiceLoader} in both processes; the entries
 * travel as text, so the executor's protocol needs no knowledge of what they mean.
 *
 * <p>A propagator that throws is ignored: the attempt runs without its context.
 */
public interface ContextPropagator {
  /**
   * On the side that hands an attempt over, on the thread that runs it (inside {@link
   * dev.sluice.api.RunListener#aroundAttempt}): adds this thread's context to {@code carrier}.
   */
  void inject(Map<String, String> carrier);

  /**
   * In the process that runs the body, on its thread: makes the context in {@code carrier} current
   * until the returned scope is closed (on the same thread, after the body).
   */
  AutoCloseable extract(Map<String, String> carrier);
}
