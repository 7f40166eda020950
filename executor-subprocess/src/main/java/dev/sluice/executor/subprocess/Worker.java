package dev.sluice.executor.subprocess;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.NonRetryableException;
import dev.sluice.api.executor.Attempt;
import dev.sluice.api.executor.AttemptCrashedException;
import dev.sluice.wire.ValueCodec;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One worker JVM and its connection. Used by one attempt at a time (the pool hands it out); {@link
 * #kill()} may come from any thread.
 */
final class Worker {
  /** Worker output: what tasks print or log there, and what the worker JVM itself prints. */
  static final Logger log = LoggerFactory.getLogger("dev.sluice.worker");

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int RECENT_LINES = 5;

  private final Process process;
  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;
  private final OutputStream stdin;
  private final ArrayDeque<String> recent = new ArrayDeque<>(RECENT_LINES);
  final long pid;

  /** The options it was started with: it serves only attempts that ask for these. */
  final List<String> jvmOptions;

  private long nextId;
  private volatile boolean broken;

  /** The MDC of the attempt running now, so the pumps log the JVM's own output as its lines. */
  private volatile @Nullable Map<String, String> attemptMdc;

  private Worker(Process process, Socket socket, OutputStream stdin, List<String> jvmOptions)
      throws IOException {
    this.jvmOptions = jvmOptions;
    this.process = process;
    this.pid = process.pid();
    this.socket = socket;
    this.stdin = stdin;
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
    this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
  }

  /**
   * Starts a worker JVM and waits for it to connect.
   *
   * @throws IOException if it cannot be started, or does not connect within the start timeout; the
   *     message carries the last lines it printed
   */
  static Worker start(WorkerSettings settings, List<String> jvmOptions) throws IOException {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<String> command = new ArrayList<>();
      command.add(settings.java());
      command.addAll(jvmOptions);
      command.add("-XX:+ExitOnOutOfMemoryError"); // a JVM out of memory is in no state to go on
      command.add("-Dsluice.worker=true");
      command.add("-cp");
      command.add(settings.classpath());
      command.add(WorkerMain.class.getName());
      command.add(String.valueOf(server.getLocalPort()));
      Process process = new ProcessBuilder(command).start();
      String token = HexFormat.of().formatHex(RANDOM.generateSeed(16));
      OutputStream stdin = process.getOutputStream();
      ArrayDeque<String> early = new ArrayDeque<>();
      try {
        stdin.write((token + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        Socket socket =
            accept(server, process, System.nanoTime() + settings.startTimeout().toNanos());
        socket.setTcpNoDelay(true);
        Worker worker = new Worker(process, socket, stdin, jvmOptions);
        worker.pump(process.getInputStream(), "stdout");
        worker.pump(process.getErrorStream(), "stderr");
        // The start timeout covers the greeting too: a worker that connects and stalls fails.
        socket.setSoTimeout((int) Math.max(1, settings.startTimeout().toMillis()));
        ObjectNode hello = Frames.read(worker.in);
        socket.setSoTimeout(0);
        if (!"hello".equals(hello.path("op").asText())
            || hello.path("protocol").asInt() != Frames.VERSION
            || !token.equals(hello.path("token").asText())) {
          worker.kill();
          throw new IOException(
              "worker process " + process.pid() + " did not greet with protocol " + Frames.VERSION);
        }
        return worker;
      } catch (IOException | RuntimeException e) {
        drain(process, early); // before destroying it: destroy() closes its pipes
        process.destroyForcibly();
        throw new IOException(
            "could not start a worker JVM ("
                + String.join(" ", command)
                + "): "
                + e.getMessage()
                + (early.isEmpty() ? "" : "; it printed: " + String.join(" | ", early)),
            e);
      }
    }
  }

  /**
   * Waits for the worker to connect, giving up early if it exits (a bad classpath, bad options).
   */
  private static Socket accept(ServerSocket server, Process process, long deadlineNanos)
      throws IOException {
    server.setSoTimeout(50);
    while (true) {
      try {
        return server.accept();
      } catch (SocketTimeoutException e) {
        if (!process.isAlive()) {
          throw new IOException("it exited with code " + process.exitValue(), e);
        }
        if (System.nanoTime() > deadlineNanos) {
          throw new IOException("it did not connect in time", e);
        }
      }
    }
  }

  /** The last lines of a worker that failed to start, for the error message. */
  private static void drain(Process process, ArrayDeque<String> lines) {
    try {
      process.waitFor(2, TimeUnit.SECONDS);
      if (process.isAlive()) {
        return; // still running (it did not connect in time): its pipes would not end
      }
      for (InputStream stream : List.of(process.getErrorStream(), process.getInputStream())) {
        String text = new String(stream.readNBytes(8192), StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
          if (!line.isBlank() && lines.size() < 10) {
            lines.add(line.strip());
          }
        }
      }
    } catch (IOException | InterruptedException e) {
      // best effort: the start failure itself is reported
    }
  }

  /** Logs what the worker JVM writes to its own stdout or stderr (not through System.out). */
  private void pump(InputStream stream, String name) {
    Thread.ofVirtual()
        .name("sluice-worker-" + pid + "-" + name)
        .start(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                  remember(line);
                  Map<String, String> mdc = attemptMdc;
                  if (mdc != null) {
                    MDC.setContextMap(mdc);
                  }
                  try {
                    if (name.equals("stderr")) {
                      log.warn("worker {}: {}", pid, line);
                    } else {
                      log.info("worker {}: {}", pid, line);
                    }
                  } finally {
                    MDC.clear();
                  }
                }
              } catch (IOException e) {
                // the worker is gone
              }
            });
  }

  private void remember(String line) {
    synchronized (recent) {
      if (recent.size() == RECENT_LINES) {
        recent.removeFirst();
      }
      recent.addLast(line);
    }
  }

  /**
   * Runs {@code attempt}'s body in this worker and returns its result; relays the worker's output
   * as log lines on this thread (which carries the task run's MDC keys).
   *
   * @throws NonRetryableException naming the task and the input when an argument cannot travel
   * @throws AttemptCrashedException when the worker dies before it answers
   * @throws InterruptedException when this thread is interrupted (a timeout or a cancellation): the
   *     worker is killed first
   */
  @Nullable Object call(Attempt attempt, String entrypoint) throws Exception {
    ObjectNode request = request(attempt, entrypoint);
    ObjectNode answer = exchange(attempt, request);
    if (answer.path("op").asText().equals("result")) {
      return ValueCodec.decode(answer);
    }
    // Re-thrown outside exchange(), so a remote IOException is not taken for a broken connection.
    Throwable error = ValueCodec.decodeError(answer.get("error"));
    if (error instanceof Exception exception) {
      throw exception;
    }
    throw (Error) error;
  }

  /** Sends the request and reads frames, relaying log lines, until its answer arrives. */
  private ObjectNode exchange(Attempt attempt, ObjectNode request) throws Exception {
    long id = request.get("id").asLong();
    attemptMdc = MDC.getCopyOfContextMap();
    try {
      Frames.write(out, request);
      while (true) {
        ObjectNode frame = Frames.read(in);
        String op = frame.path("op").asText();
        if (op.equals("log")) {
          relay(frame, id);
          continue;
        }
        if (frame.path("id").asLong() != id) {
          throw new IOException(
              "answer to request " + frame.path("id") + " while waiting for " + id);
        }
        if (op.equals("result") || op.equals("error")) {
          return frame;
        }
        throw new IOException("unknown frame '" + op + "'");
      }
    } catch (IOException e) {
      broken = true;
      if (Thread.currentThread().isInterrupted()) {
        kill();
        throw new InterruptedException(
            "attempt " + attempt.number() + " of '" + attempt.taskName() + "' was interrupted");
      }
      throw died(attempt, e);
    } finally {
      attemptMdc = null;
    }
  }

  private ObjectNode request(Attempt attempt, String entrypoint) {
    ObjectNode request = Frames.NODES.objectNode();
    request.put("op", "run");
    request.put("id", ++nextId);
    request.put("entrypoint", entrypoint);
    request.put("flow", attempt.flowName());
    request.put("step", attempt.stepName());
    request.put("task", attempt.taskName());
    request.put("taskRunId", attempt.taskRunId().toString());
    request.put("attempt", attempt.number());
    ArrayNode args = request.putArray("args");
    var values = attempt.arguments();
    for (int i = 0; i < values.size(); i++) {
      try {
        args.add(
            ValueCodec.encodeArgument(
                attempt.argumentType(i), attempt.argumentIsOutcome(i), values.get(i)));
      } catch (IllegalArgumentException e) {
        throw new NonRetryableException(
            "task '"
                + attempt.taskName()
                + "' of flow '"
                + attempt.flowName()
                + "': input "
                + i
                + " ('"
                + attempt.argumentSource(i)
                + "') cannot be sent to a worker process: "
                + e.getMessage()
                + ". Pass a type Jackson can write and read back (a record, a collection, a"
                + " string...), or run this flow on an in-process executor",
            e);
      }
    }
    request.put("resultType", ValueCodec.typeName(attempt.resultType()));
    Contexts.inject(request);
    return request;
  }

  private static void relay(JsonNode frame, long id) {
    String line = frame.path("line").asText();
    boolean stderr = frame.path("stream").asText().equals("stderr");
    if (frame.path("id").asLong() != id) {
      // printed between attempts (a background thread): not this task run's
      log.info("worker output between attempts: {}", line);
    } else if (stderr) {
      log.warn("{}", line); // never the line as a format: it may hold "{}"
    } else {
      log.info("{}", line);
    }
  }

  private AttemptCrashedException died(Attempt attempt, IOException cause) {
    String exit;
    try {
      if (process.waitFor(5, TimeUnit.SECONDS)) {
        int code = process.exitValue();
        exit =
            "exit code "
                + code
                + (code > 128 ? " (killed by signal " + (code - 128) + ")" : "")
                + (code == 3 ? " (out of memory, or System.exit(3))" : "");
      } else {
        exit = "it stopped answering";
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exit = "unknown exit";
      kill();
    }
    String last;
    synchronized (recent) {
      last = recent.isEmpty() ? "" : "; its last output: " + String.join(" | ", recent);
    }
    return new AttemptCrashedException(
        "the worker process (pid "
            + pid
            + ") running attempt "
            + attempt.number()
            + " of task '"
            + attempt.taskName()
            + "' died: "
            + exit
            + last,
        cause);
  }

  /** Whether it can serve another attempt. */
  boolean usable() {
    return !broken && process.isAlive();
  }

  /** Asks the worker to exit, then makes sure it does. */
  void stop() {
    broken = true;
    try {
      ObjectNode shutdown = Frames.NODES.objectNode();
      shutdown.put("op", "shutdown");
      Frames.write(out, shutdown);
      stdin.close();
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (IOException e) {
      kill();
    } catch (InterruptedException e) {
      kill();
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly();
    }
  }

  /** Kills the worker process at once ({@code SIGKILL}). */
  void kill() {
    broken = true;
    process.destroyForcibly();
    closeQuietly();
  }

  private void closeQuietly() {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  ProcessHandle handle() {
    return process.toHandle();
  }
}
