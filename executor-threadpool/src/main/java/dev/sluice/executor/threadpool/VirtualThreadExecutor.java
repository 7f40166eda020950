package dev.sluice.executor.threadpool;

import dev.sluice.api.executor.Attempt;
import dev.sluice.api.executor.TaskExecutor;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs attempts on virtual threads, at most {@code parallelism} at once, for I/O-bound tasks that
 * spend their time waiting. Attempts beyond the bound wait in a queue, holding no thread; a virtual
 * thread that finishes an attempt takes the next queued one before it ends.
 */
final class VirtualThreadExecutor implements TaskExecutor {
  private static final AtomicInteger EXECUTORS = new AtomicInteger();

  private final int parallelism;
  private final boolean shared;
  private final Thread.Builder.OfVirtual threads;
  private final ConcurrentLinkedQueue<Attempt> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger running = new AtomicInteger();
  private final Set<Thread> live = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  VirtualThreadExecutor(int parallelism, boolean shared) {
    this.parallelism = parallelism;
    this.shared = shared;
    this.threads =
        Thread.ofVirtual().name("sluice-vthread-" + EXECUTORS.incrementAndGet() + "-", 1);
  }

  @Override
  public String name() {
    return ThreadPoolExecutorProvider.NAME;
  }

  @Override
  public void execute(Attempt attempt) {
    if (closed) {
      attempt.reject(new RejectedExecutionException("the thread-pool executor is closed"));
      return;
    }
    queue.add(attempt);
    startThreads();
  }

  /**
   * Starts one virtual thread if under the bound: one per attempt handed over, so no thread starts
   * for nothing; a thread that finishes takes queued attempts before it ends.
   */
  private void startThreads() {
    int now;
    do {
      now = running.get();
      if (now >= parallelism) {
        return; // a running thread will take the queued attempt when it finishes
      }
    } while (!running.compareAndSet(now, now + 1));
    threads.start(this::work);
  }

  private void work() {
    Thread self = Thread.currentThread();
    live.add(self);
    try {
      Attempt next;
      while (!closed && (next = queue.poll()) != null) {
        Thread.interrupted(); // an interrupt meant for the previous attempt must not hit this one
        next.run();
      }
    } finally {
      live.remove(self);
      running.decrementAndGet();
      // An attempt queued after our last poll but before the decrement must still get a thread.
      if (!closed && !queue.isEmpty()) {
        startThreads();
      }
    }
  }

  /** Virtual threads running attempts right now. */
  int liveThreads() {
    return live.size();
  }

  @Override
  public void close() {
    if (shared) {
      return;
    }
    closed = true;
    Attempt pending;
    while ((pending = queue.poll()) != null) {
      pending.reject(new RejectedExecutionException("the thread-pool executor was closed"));
    }
    for (Thread thread : live) {
      thread.interrupt();
    }
    for (Thread thread : live) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public String toString() {
    return "threadpool(virtual, parallelism=" + parallelism + (shared ? ", shared)" : ")");
  }
}
