package dev.sluice.engine.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;

import org.jspecify.annotations.Nullable;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZ_Result;

/**
 * A test-only copy of the first half of issue 18 item 5's pair, the lines of {@code
 * Execution.ready} and {@code Execution.cancel} alone: {@code nodes[i] = node} (plain) then {@code
 * if (cancelled)}, against {@code cancelled = true} (volatile) then {@code nodes[i]} (plain). It is
 * not a Dekker handshake: both sides can miss each other. Outcome: (cancel saw the task run, ready
 * saw the cancel).
 *
 * <p>The engine does not rely on this pair: a task run cancel() misses is handled as one it finds
 * before its attempt is dispatched (IDLE, which cancel() skips), by the check in {@code runAttempt}
 * after the attempt's CAS to RUNNING; {@link BeginAgainstCancel} shows on the real classes that no
 * attempt then starts after cancel() returned.
 */
@JCStressTest
@Description("the bare nodes[i] / cancelled pair of ready() and cancel() (a copy)")
@Outcome(id = "true, false", expect = ACCEPTABLE, desc = "cancel() found the task run")
@Outcome(id = "false, true", expect = ACCEPTABLE, desc = "ready() saw the cancel")
@Outcome(id = "true, true", expect = ACCEPTABLE, desc = "both saw each other")
@Outcome(
    id = "false, false",
    expect = ACCEPTABLE_INTERESTING,
    desc = "both missed each other (store-load reordering): the attempt is dispatched uncancelled")
@State
public class ReadyCancelPair {
  private final @Nullable Object[] nodes = new Object[1];
  private volatile boolean cancelled;

  @Actor
  public void ready(ZZ_Result r) {
    nodes[0] = this; // Execution.create: nodes[i] = node
    r.r2 = cancelled; // Execution.ready: if (cancelled) ...
  }

  @Actor
  public void cancel(ZZ_Result r) {
    cancelled = true; // FlowRunRecord.markCancelled
    r.r1 =
        nodes[0] != null; // Execution.cancel: for (TaskRunState node : nodes) if (node == null) ...
  }
}
