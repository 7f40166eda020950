package dev.sluice.engine.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

/**
 * A deliberately broken, test-only copy of the retry handshake that {@link RetryAgainstCancel}
 * checks on the real classes: {@code TaskRunState.afterFailure}'s volatile store of QUEUED is
 * weakened to a release store (what {@code dispatch} may use, because its {@code run()} checks
 * again). Its outcomes are judged as {@link RetryAgainstCancel}'s; this test is expected to FAIL —
 * it shows that the harness on this machine catches a Dekker handshake without its full fence. Run
 * it with {@code jcstress/run --broken}.
 */
@JCStressTest
@Description(
    "the retry handshake with a release store instead of a volatile one (expected to FAIL)")
@Outcome(id = "Cancelled", expect = ACCEPTABLE, desc = "one side saw the other")
@Outcome(
    id = "AwaitingRetry",
    expect = FORBIDDEN,
    desc = "both missed each other: the cancelled task run waits out its retry delay")
@State
public class BrokenRetryAgainstCancel {
  private static final int QUEUED = TaskRunState.QUEUED;
  private static final int OWNED = TaskRunState.OWNED;
  private static final VarHandle PHASE;

  static {
    try {
      PHASE =
          MethodHandles.lookup().findVarHandle(BrokenRetryAgainstCancel.class, "phase", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile int phase = OWNED; // the failed attempt's runner owns the task run
  private volatile boolean cancelled;

  @Actor
  public void retry() {
    PHASE.setRelease(this, QUEUED); // the real code: phase = queued (a volatile store)
    if (cancelled) {
      var unused = PHASE.compareAndSet(this, QUEUED, OWNED); // endCancelled()
    }
  }

  @Actor
  public void cancel() {
    cancelled = true;
    int current = phase;
    if (current == QUEUED) {
      var unused = PHASE.compareAndSet(this, current, OWNED); // AttemptNode.cancel: endCancelled()
    }
  }

  @Arbiter
  public void outcome(L_Result r) {
    r.r1 = phase == OWNED ? "Cancelled" : "AwaitingRetry";
  }
}
