package dev.sluice.engine.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.sluice.api.spi.TaskOptions;
import java.util.Map;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

/**
 * Issue 18 item 5, cancel against ready: {@code Execution.ready} stores the task run in {@code
 * nodes[i]} (plain) and then reads the volatile {@code cancelled}; {@code Execution.cancel} writes
 * {@code cancelled} and then reads {@code nodes} (plain). Both sides can miss each other; the claim
 * to prove or refute is that an attempt can then start after {@code cancel} returned.
 *
 * <p>One actor begins a one-task run on an executor that runs attempts on the calling thread (the
 * local executor): {@code begin → ready → dispatch → run}; the other cancels it and then looks
 * whether the task's body has started. Outcome: "started|not started" when cancel returned, the
 * task run's final state, whether its body ran at all, and whether the begin thread was left
 * interrupted.
 */
@JCStressTest
@Description("cancel() against ready() and the attempt it starts on the same thread")
@Outcome(
    id = "started, Completed, ran, clean",
    expect = ACCEPTABLE,
    desc = "the attempt ran before the cancel")
@Outcome(
    id = "started, Cancelled, ran, clean",
    expect = ACCEPTABLE,
    desc = "cancel() took the running attempt over (interrupted it, discarded its outcome)")
@Outcome(
    id = "not started, Cancelled, never ran, clean",
    expect = ACCEPTABLE,
    desc = "cancelled before the attempt started: it never runs")
@Outcome(
    id = "not started, Cancelled, ran, clean",
    expect = ACCEPTABLE_INTERESTING,
    desc =
        "the attempt was Running (its CAS came first) when cancel() took it over; its body only"
            + " began after cancel() returned, interrupted, and its outcome is discarded")
@Outcome(
    expect = FORBIDDEN,
    desc =
        "an attempt that had not started when cancel() returned ran to Completed (the race of"
            + " issue 18 item 5), or an interrupt outlived its attempt")
@State
public class BeginAgainstCancel {
  private final Execution run;
  private volatile boolean started;
  private String interrupt = "";

  public BeginAgainstCancel() {
    Engine engine = Trials.engine(new Trials.Inline(), Map.of());
    run =
        Trials.oneTask(
            engine,
            TaskOptions.DEFAULTS,
            args -> {
              started = true;
              return null;
            });
  }

  @Actor
  public void cancel(L_Result r) {
    var unused = run.cancel("stress");
    r.r1 = started ? "started" : "not started";
  }

  @Actor
  public void begin() {
    run.begin();
    interrupt = Trials.interruptLeft();
  }

  @Arbiter
  public void outcome(L_Result r) {
    r.r1 = Trials.cancelOutcome((String) r.r1, run, started, interrupt);
  }
}
