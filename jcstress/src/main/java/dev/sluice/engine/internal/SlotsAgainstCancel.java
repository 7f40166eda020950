package dev.sluice.engine.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.sluice.api.spi.TaskOptions;
import java.util.Map;
import java.util.Set;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

/**
 * The slot-wait handshake of {@code AttemptNode.waitForSlots}: a task run that must wait for a
 * concurrency slot records AwaitingConcurrencySlot, publishes QUEUED with a volatile store, then
 * reads {@code cancelled} ("Dekker with cancel(), as in afterFailure()"); {@code cancel()} writes
 * {@code cancelled}, then reads the phase. Cancelling the slot's holder also releases its slot,
 * which grants the waiter and hands it to the executor ({@code ConcurrencyLimits.release}).
 *
 * <p>Two tasks share a tag limited to 1; one actor begins the run (the first task takes the slot,
 * the second waits for it), the other cancels the run. The arbiter then runs whatever the executor
 * was handed, as a pool's workers would. Every task run must end Cancelled with no body run (each
 * ran after the cancel) and no slot left in use.
 */
@JCStressTest
@Description("cancel() against a task run starting to wait for a concurrency slot")
@Outcome(
    id = "Cancelled/OWNED, Cancelled/OWNED, no body ran, 0 slots in use",
    expect = ACCEPTABLE,
    desc = "both task runs were cancelled and the slot is free")
@Outcome(
    expect = FORBIDDEN,
    desc = "a task run is left waiting for the slot, a body ran after the cancel, or a slot leaked")
@State
public class SlotsAgainstCancel {
  private final Engine engine;
  private final Execution run;
  private final Trials.Handed queue = new Trials.Handed();
  private volatile boolean ran;

  public SlotsAgainstCancel() {
    engine = Trials.engine(queue, Map.of("t", 1));
    TaskOptions tagged = TaskOptions.DEFAULTS.withTags(Set.of("t"));
    run =
        Trials.prepare(
            engine,
            Trials.flow(
                Trials.task("holder", tagged, args -> ran = true),
                Trials.task("waiter", tagged, args -> ran = true)));
  }

  @Actor
  public void cancel() {
    var unused = run.cancel("stress");
  }

  @Actor
  public void begin() {
    run.begin();
  }

  @Arbiter
  public void outcome(L_Result r) {
    queue.drain();
    r.r1 =
        Trials.describe(run, 0)
            + ", "
            + Trials.describe(run, 1)
            + ", "
            + (ran ? "a body ran" : "no body ran")
            + ", "
            + engine.concurrencySlotsInUse().get("t")
            + " slots in use";
  }
}
