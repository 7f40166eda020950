package dev.sluice.executor.subprocess;

import dev.sluice.api.Flow;
import dev.sluice.api.NonRetryableException;
import dev.sluice.api.Step;
import dev.sluice.api.SubflowStep;
import dev.sluice.api.executor.Attempt;
import dev.sluice.api.executor.AttemptCrashedException;
import dev.sluice.api.executor.TaskExecutor;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;

/**
 * Runs each attempt on a virtual thread of its own that borrows a worker JVM from the pool, sends
 * it the call and blocks for the answer. The engine stays in charge of states, retries, timeouts
 * and cancellation: its interrupt of that thread (a timeout, a cancellation) kills the worker, and
 * a worker that dies makes the attempt fail with {@link AttemptCrashedException}.
 */
final class SubprocessExecutor implements TaskExecutor {
  private final WorkerSettings settings;
  private final Semaphore permits;
  private final LinkedBlockingDeque<Worker> idle = new LinkedBlockingDeque<>();
  private final Set<Worker> alive = ConcurrentHashMap.newKeySet();
  private final Map<String, String> entrypoints = new ConcurrentHashMap<>();
  private final Map<Flow<?>, Boolean> checked = Collections.synchronizedMap(new WeakHashMap<>());
  private final Entrypoints finder;
  private final Thread shutdownHook;
  private volatile boolean closed;

  SubprocessExecutor(WorkerSettings settings) {
    this.settings = settings;
    this.permits = new Semaphore(settings.workers());
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    this.finder = new Entrypoints(loader != null ? loader : getClass().getClassLoader());
    // Workers also exit when our end of their stdin closes, which covers kill -9 of this JVM;
    // the hook makes a normal exit not wait for them to notice.
    this.shutdownHook = new Thread(this::killAll, "sluice-subprocess-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  @Override
  public String name() {
    return SubprocessExecutorProvider.NAME;
  }

  @Override
  public void check(Flow<?> flow) {
    check(flow, "");
  }

  private void check(Flow<?> flow, String inherited) {
    if (checked.containsKey(flow)) {
      return; // a sub-flow checked with its parent, whose entrypoint may be the only one it has
    }
    String entrypoint = finder.resolve(flow, inherited);
    String previous = entrypoints.putIfAbsent(flow.name(), entrypoint);
    if (previous != null && !previous.equals(entrypoint)) {
      throw new IllegalArgumentException(
          "two flows called '"
              + flow.name()
              + "' have different entrypoints ("
              + previous
              + " and "
              + entrypoint
              + "); workers find flows by name, so give them different names");
    }
    for (Step<?> step : flow.steps()) {
      if (step instanceof SubflowStep<?> sub) {
        check(sub.flow(), entrypoint);
      }
    }
    checked.put(flow, Boolean.TRUE);
  }

  @Override
  public void execute(Attempt attempt) {
    if (closed) {
      attempt.reject(new IllegalStateException("the subprocess executor is closed"));
      return;
    }
    Thread.ofVirtual().name("sluice-subprocess-" + attempt.taskName()).start(() -> serve(attempt));
  }

  private void serve(Attempt attempt) {
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      attempt.reject(e);
      return;
    }
    Worker worker = null;
    try {
      try {
        worker = borrow();
      } catch (IOException | RuntimeException e) {
        attempt.reject(new AttemptCrashedException(e.getMessage(), e));
        return;
      }
      Worker chosen = worker;
      attempt.run(a -> chosen.call(a, entrypoint(a)));
    } finally {
      if (worker != null) {
        giveBack(worker);
      }
      permits.release();
    }
  }

  private String entrypoint(Attempt attempt) {
    String entrypoint = entrypoints.get(attempt.flowName());
    if (entrypoint == null) {
      throw new NonRetryableException(
          "flow '" + attempt.flowName() + "' was not checked by the subprocess executor");
    }
    return entrypoint;
  }

  /** An idle warm worker, else a new one; the caller holds a permit. */
  private Worker borrow() throws IOException {
    Worker worker;
    while ((worker = idle.pollFirst()) != null) {
      if (worker.usable()) {
        return worker;
      }
      retire(worker);
    }
    worker = Worker.start(settings);
    alive.add(worker);
    if (closed) {
      retire(worker);
      throw new IllegalStateException("the subprocess executor is closed");
    }
    return worker;
  }

  private void giveBack(Worker worker) {
    if (closed || settings.freshJvm() || !worker.usable()) {
      retire(worker);
    } else {
      idle.offerFirst(worker); // most recently used first: its JIT and caches are the warmest
    }
  }

  private void retire(Worker worker) {
    alive.remove(worker);
    if (worker.usable()) {
      worker.stop();
    } else {
      worker.kill();
    }
  }

  /** The processes of the workers alive now; for tests. */
  List<ProcessHandle> workers() {
    return alive.stream().map(Worker::handle).toList();
  }

  @Override
  public void close() {
    closed = true;
    Worker worker;
    while ((worker = idle.pollFirst()) != null) {
      retire(worker);
    }
    killAll(); // the ones still running attempts
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook runs anyway
    }
  }

  private void killAll() {
    for (Worker worker : alive) {
      worker.kill();
    }
    for (Worker worker : alive) {
      try {
        worker.handle().onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        // killed with SIGKILL: it goes; nothing more to do
      }
    }
    alive.clear();
  }
}
