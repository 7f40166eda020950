package dev.sluice.engine.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.sluice.api.RetryPolicy;
import dev.sluice.api.spi.TaskOptions;
import java.time.Duration;
import java.util.Map;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

/**
 * The retry handshake of {@code TaskRunState.afterFailure}: a failed attempt that will be retried
 * publishes QUEUED with a volatile store and then reads {@code cancelled}; {@code cancel()} writes
 * {@code cancelled} and then reads the phase — "so one of us sees the other and a cancelled run
 * never waits out the delay".
 *
 * <p>A task that always fails, with one retry after {@link #DELAY}; one actor is the worker that
 * runs its first attempt, the other cancels the run. When both are done the task run must be
 * Cancelled (whichever side decided it), never AwaitingRetry with its retry waiting on the timer.
 */
@JCStressTest
@Description("cancel() against a failed attempt scheduling its retry")
@Outcome(
    id = "Cancelled/OWNED, ran, clean",
    expect = ACCEPTABLE,
    desc = "the attempt failed, then the cancel or the attempt's own check ended it Cancelled")
@Outcome(
    id = "Cancelled/OWNED, never ran, clean",
    expect = ACCEPTABLE,
    desc = "cancelled before the attempt started")
@Outcome(
    expect = FORBIDDEN,
    desc =
        "the cancelled task run waits for its retry (both sides missed each other), or an"
            + " interrupt outlived its attempt")
@State
public class RetryAgainstCancel {
  /**
   * Long enough that the arbiter sees the task run before the retry is due, short enough that the
   * shared timer never holds many trials' runs.
   */
  static final Duration DELAY = Duration.ofMillis(50);

  private final Execution run;
  private final Trials.Handed queue = new Trials.Handed();
  private volatile boolean ran;
  private String interrupt = "";

  public RetryAgainstCancel() {
    Engine engine = Trials.engine(queue, Map.of());
    TaskOptions options =
        TaskOptions.DEFAULTS.withRetryPolicy(RetryPolicy.retries(1).fixedDelay(DELAY));
    run =
        Trials.oneTask(
            engine,
            options,
            args -> {
              ran = true;
              throw new IllegalStateException("always fails");
            });
    run.begin(); // attempt 1 is QUEUED, handed to the queue
  }

  @Actor
  public void cancel() {
    var unused = run.cancel("stress");
  }

  @Actor
  public void work() {
    queue.drain();
    interrupt = Trials.interruptLeft();
  }

  @Arbiter
  public void outcome(L_Result r) {
    r.r1 = Trials.describe(run, 0) + ", " + (ran ? "ran" : "never ran") + ", " + interrupt;
  }
}
