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
 * The dispatch handshake ({@code AttemptNode.dispatch} and {@code runAttempt}): the attempt is
 * published QUEUED with a release store only, "a cancel() that misses QUEUED is seen by run(),
 * which checks {@code cancelled} after taking the task run" with its CAS QUEUED → RUNNING; {@code
 * cancel()} writes {@code cancelled}, then reads the phase and CASes QUEUED or RUNNING → OWNED
 * (taking a running attempt over interrupts its thread: the interrupt protocol of {@link
 * InterruptibleRun}).
 *
 * <p>The run is begun on a queue no worker takes from, so the attempt waits QUEUED; one actor is
 * the worker that runs it, the other cancels the run and then looks whether the body started.
 * Outcomes as in {@link BeginAgainstCancel}.
 */
@JCStressTest
@Description("cancel() against a worker taking the queued attempt")
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
        "an attempt that had not started when cancel() returned ran to Completed (a cancel"
            + " missed QUEUED and run() missed the cancel), or an interrupt outlived its attempt")
@State
public class RunAgainstCancel {
  private final Execution run;
  private final Trials.Handed queue = new Trials.Handed();
  private volatile boolean started;
  private String interrupt = "";

  public RunAgainstCancel() {
    Engine engine = Trials.engine(queue, Map.of());
    run =
        Trials.oneTask(
            engine,
            TaskOptions.DEFAULTS,
            args -> {
              started = true;
              return null;
            });
    run.begin(); // the attempt is QUEUED, handed to the queue
  }

  @Actor
  public void cancel(L_Result r) {
    var unused = run.cancel("stress");
    r.r1 = started ? "started" : "not started";
  }

  @Actor
  public void work() {
    queue.drain();
    interrupt = Trials.interruptLeft();
  }

  @Arbiter
  public void outcome(L_Result r) {
    r.r1 = Trials.cancelOutcome((String) r.r1, run, started, interrupt);
  }
}
