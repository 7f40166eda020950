package dev.sluice.executor.subprocess;

import dev.sluice.api.Flow;
import dev.sluice.api.NonRetryableException;
import dev.sluice.api.executor.Attempt;
import dev.sluice.api.executor.AttemptCrashedException;
import dev.sluice.api.executor.TaskExecutor;
import dev.sluice.api.spi.Step;
import dev.sluice.api.spi.SubflowStep;
import dev.sluice.wire.Entrypoints;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Runs each attempt on a virtual thread of its own that borrows a worker JVM from the pool, sends
 * it the call and blocks for the answer. The engine stays in charge of states, retries, timeouts
 * and cancellation: its interrupt of that thread (a timeout, a cancellation) kills the worker, and
 * a worker that dies makes the attempt fail with {@link AttemptCrashedException}.
 */
final class SubprocessExecutor implements TaskExecutor {
  /** Who rebuilds flows from their entrypoints, as messages about entrypoints say. */
  static final String REBUILT_BY = "the subprocess executor's workers";

  private final WorkerSettings settings;
  private final Semaphore permits;
  // Idle workers, most recently used first, and how many JVMs are alive or starting; guarded by
  // `idle`. The JVMs themselves are also in `alive`, for close() and the shutdown hook.
  private final ArrayDeque<Worker> idle = new ArrayDeque<>();
  private int jvms;
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
    this.finder =
        new Entrypoints(loader != null ? loader : getClass().getClassLoader(), REBUILT_BY);
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
        worker = borrow(settings.jvmOptionsFor(attempt.stepName()));
      } catch (IOException | RuntimeException e) {
        attempt.reject(
            new AttemptCrashedException(
                Objects.requireNonNullElse(e.getMessage(), e.toString()), e));
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

  /**
   * An idle warm worker started with {@code options}, else a new one; the caller holds a permit.
   * When {@code workers} JVMs are alive already, starting one first stops the least recently used
   * idle one (of another kind: one of this kind would have been taken), so the bound holds across
   * per-step options.
   */
  private Worker borrow(List<String> options) throws IOException {
    List<Worker> discarded = new ArrayList<>();
    try {
      synchronized (idle) {
        for (Iterator<Worker> it = idle.iterator(); it.hasNext(); ) {
          Worker worker = it.next();
          if (!worker.usable()) {
            it.remove();
            jvms--;
            discarded.add(worker);
          } else if (worker.jvmOptions.equals(options)) {
            it.remove();
            return worker;
          }
        }
        if (jvms >= settings.workers() && !idle.isEmpty()) {
          discarded.add(idle.pollLast());
          jvms--;
        }
        jvms++; // the one about to start
      }
    } finally {
      discarded.forEach(this::stop);
    }
    Worker worker;
    try {
      worker = Worker.start(settings, options);
    } catch (IOException | RuntimeException e) {
      synchronized (idle) {
        jvms--;
      }
      throw e;
    }
    alive.add(worker);
    if (closed) {
      giveBack(worker);
      throw new IllegalStateException("the subprocess executor is closed");
    }
    return worker;
  }

  /** After an attempt: keeps the worker warm, or stops it. */
  private void giveBack(Worker worker) {
    boolean keep = !closed && !settings.freshJvm() && worker.usable();
    synchronized (idle) {
      if (keep) {
        idle.offerFirst(worker); // most recently used first: its JIT and caches are the warmest
        return;
      }
      jvms--;
    }
    stop(worker);
  }

  private void stop(Worker worker) {
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
    List<Worker> idleNow;
    synchronized (idle) {
      idleNow = new ArrayList<>(idle);
      jvms -= idle.size();
      idle.clear();
    }
    idleNow.forEach(this::stop);
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
