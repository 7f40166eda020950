package dev.sluice.executor.threadpool;

import dev.sluice.api.executor.Attempt;
import dev.sluice.api.executor.TaskExecutor;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * Runs attempts on a {@link ForkJoinPool} of platform threads: each worker takes its own newest
 * work first and idle workers steal. An attempt made ready by the attempt ending on a worker
 * ({@link #executeNext}) runs next on that worker without passing through a queue, so a chain of
 * steps stays on one thread.
 */
final class WorkStealingExecutor implements TaskExecutor {
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final ForkJoinPool pool;
  private final boolean shared;
  private final int parallelism;

  /** Engine work taken by {@link #offload} that no thread has started yet. */
  private final Set<EngineWork> offloaded = ConcurrentHashMap.newKeySet();

  WorkStealingExecutor(int parallelism, boolean shared) {
    this.parallelism = parallelism;
    this.shared = shared;
    String prefix = "sluice-worker-" + POOLS.incrementAndGet() + "-";
    AtomicInteger workers = new AtomicInteger();
    // Never more threads than the parallelism: a ForkJoinPool otherwise adds threads for workers
    // blocked in CompletableFuture.get/join, running more attempts at once than asked for.
    this.pool =
        new ForkJoinPool(
            parallelism,
            p -> {
              Worker w = new Worker(p, this);
              w.setName(prefix + workers.incrementAndGet());
              return w;
            },
            null,
            false,
            parallelism,
            parallelism,
            1,
            p -> true,
            60,
            TimeUnit.SECONDS);
  }

  /** A pool thread, with the slot for the attempt to run after the current one. */
  static final class Worker extends ForkJoinWorkerThread {
    final WorkStealingExecutor owner;
    boolean running;
    @Nullable Attempt next;

    Worker(ForkJoinPool pool, WorkStealingExecutor owner) {
      super(null, pool, true);
      this.owner = owner;
      setDaemon(true);
    }
  }

  /**
   * A task of this pool. On a worker it runs as an attempt does: marked running, so that a nested
   * wait (runUntil) does not drain the worker's queue first, with the worker's continuation slot
   * saved and restored around it, and a continuation it leaves behind handed to the pool.
   */
  abstract static class WorkerTask extends ForkJoinTask<Void> {
    @Override
    public Void getRawResult() {
      return null;
    }

    @Override
    protected void setRawResult(Void value) {}

    @Override
    protected final boolean exec() {
      if (Thread.currentThread() instanceof Worker worker) {
        // Saved and restored: a worker waiting for a nested flow runs other tasks meanwhile.
        boolean wasRunning = worker.running;
        Attempt outerNext = worker.next;
        worker.running = true;
        worker.next = null;
        try {
          runOn(worker, wasRunning);
        } finally {
          // If an attempt broke its contract by throwing, its continuation still gets a thread.
          Attempt orphan = worker.next;
          worker.next = outerNext;
          worker.running = wasRunning;
          if (orphan != null) {
            worker.owner.execute(orphan);
          }
        }
      } else {
        runOffPool();
      }
      return true;
    }

    /** Runs on {@code worker}; {@code nested} if inside another task's wait (runUntil). */
    abstract void runOn(Worker worker, boolean nested);

    /** Runs on a thread that is not one of the pool's workers. */
    abstract void runOffPool();
  }

  /** The pool's unit of work: runs an attempt, then the continuations it leaves. */
  static final class AttemptTask extends WorkerTask {
    private final Attempt attempt;

    AttemptTask(Attempt attempt) {
      this.attempt = attempt;
    }

    @Override
    void runOn(Worker worker, boolean nested) {
      // The attempt, its continuations, then what else waits in this worker's own queue, back to
      // back, so each one after the first may take its start from the one before it: this worker
      // queued them itself after their upstreams ended (never stolen ones, made ready on another
      // thread at an unrelated time). Not when nested in runUntil: the waiting task resumes as
      // soon as this attempt is done.
      Attempt previous = null;
      Attempt current = attempt;
      while (current != null) {
        if (previous == null) {
          current.run();
        } else {
          current.runAfter(previous);
        }
        previous = current;
        current = worker.next;
        worker.next = null;
        while (current == null && !nested) {
          ForkJoinTask<?> queued = pollNextLocalTask();
          if (queued instanceof AttemptTask next) {
            current = next.attempt;
          } else if (queued != null) {
            // Engine work (offload): run it as the pool would have. What it made ready did not
            // start where the last attempt ended, so the next one reads the clock.
            queued.quietlyInvoke();
            previous = null;
            current = worker.next;
            worker.next = null;
          } else {
            break;
          }
        }
      }
    }

    @Override
    void runOffPool() {
      attempt.run();
    }

    /** A task queued in the pool that the current worker may run now, or null. */
    static ForkJoinTask<?> takeQueued() {
      return pollTask();
    }
  }

  /**
   * Engine work offered through {@link #offload}, run exactly once: by the worker that takes it
   * from the pool, or by {@link #close} if the pool was stopped before any did.
   */
  final class EngineWork extends WorkerTask {
    private final Runnable work;
    private final AtomicBoolean started = new AtomicBoolean();

    EngineWork(Runnable work) {
      this.work = work;
    }

    /** Runs the work unless some thread already did. */
    void runOnce() {
      if (started.compareAndSet(false, true)) {
        offloaded.remove(this);
        work.run();
      }
    }

    @Override
    void runOn(Worker worker, boolean nested) {
      runOnce();
    }

    @Override
    void runOffPool() {
      runOnce();
    }
  }

  @Override
  public String name() {
    return ThreadPoolExecutorProvider.NAME;
  }

  @Override
  public void execute(Attempt attempt) {
    try {
      pool.execute(new AttemptTask(attempt));
    } catch (RejectedExecutionException e) {
      attempt.reject(e);
      return;
    }
    wakeWaiters();
  }

  /**
   * Takes engine work as a task of the pool, for an idle worker to steal; never with one thread.
   */
  @Override
  public boolean offload(Runnable work) {
    if (parallelism == 1) {
      return false;
    }
    EngineWork task = new EngineWork(work);
    offloaded.add(task);
    try {
      pool.execute(task);
      wakeWaiters();
      return true;
    } catch (RejectedExecutionException e) {
      offloaded.remove(task);
      return false; // closing: the caller does the work itself
    }
  }

  @Override
  public void executeNext(Attempt attempt) {
    if (Thread.currentThread() instanceof Worker worker
        && worker.owner == this
        && worker.running
        && worker.next == null) {
      worker.next = attempt;
    } else {
      execute(attempt);
    }
  }

  /**
   * A worker waiting for a flow (a task that runs a flow and waits for it) runs queued attempts
   * meanwhile: the pool never grows beyond its parallelism, so otherwise every worker could end up
   * waiting for work that no thread is left to run.
   */
  @Override
  public void runUntil(CompletableFuture<?> done) throws InterruptedException {
    if (!(Thread.currentThread() instanceof Worker worker) || worker.owner != this) {
      TaskExecutor.super.runUntil(done);
      return;
    }
    // Parked, not polling: woken when the flow ends (this callback) or when work is queued
    // (execute and offload wake the waiters). ForkJoinPool.managedBlock would not help: the pool
    // never adds threads beyond its parallelism, by design, so this worker must run the work.
    done.whenComplete((result, failure) -> LockSupport.unpark(worker));
    waiters.add(worker);
    try {
      while (!done.isDone()) {
        ForkJoinTask<?> queued = AttemptTask.takeQueued();
        if (queued != null) {
          queued.quietlyInvoke();
          continue;
        }
        // The bound only covers a wake-up lost to a race with a submitter that read `waiters`
        // just before this worker joined them; it is never what ends the wait.
        LockSupport.parkNanos(this, LOST_WAKE_UP_NANOS);
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
    } finally {
      waiters.remove(worker);
    }
  }

  /** Workers waiting in {@link #runUntil} for a nested flow. */
  private final Set<Worker> waiters = ConcurrentHashMap.newKeySet();

  private static final long LOST_WAKE_UP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  /** New work is queued: a worker waiting for a nested flow may run it. */
  private void wakeWaiters() {
    if (!waiters.isEmpty()) {
      for (Worker waiter : waiters) {
        LockSupport.unpark(waiter);
      }
    }
  }

  @Override
  public void close() {
    if (shared) {
      return; // a shared pool lives as long as the process
    }
    pool.shutdown();
    try {
      if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
        pool.shutdownNow();
        runDroppedWork();
        pool.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      runDroppedWork();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs on this thread the engine work the stopped pool will never run: the steps it makes ready
   * end (Cancelled, as their runs were cancelled first, or Crashed when refused), so those runs end
   * instead of waiting for them forever.
   */
  private void runDroppedWork() {
    for (EngineWork work : offloaded) {
      work.runOnce();
    }
  }

  @Override
  public String toString() {
    return "threadpool(platform, parallelism=" + parallelism + (shared ? ", shared)" : ")");
  }
}
