package dev.sluice.executor.subprocess;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Flow;
import dev.sluice.api.NonRetryableException;
import dev.sluice.api.spi.Arguments;
import dev.sluice.api.spi.MapStep;
import dev.sluice.api.spi.Step;
import dev.sluice.api.spi.TaskBody;
import dev.sluice.api.spi.TaskStep;
import dev.sluice.wire.Entrypoints;
import dev.sluice.wire.ValueCodec;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Type;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The main class of a worker JVM, started by the subprocess executor; not for direct use.
 *
 * <p>Arguments: the parent's loopback port. The first line on stdin is the token the worker proves
 * itself with; after that stdin stays open, and the worker exits when it closes — when the parent
 * exits or dies, even by {@code kill -9}, its workers follow. The worker then serves {@code run}
 * frames one at a time: it rebuilds the flow from the named entrypoint, finds the step by name and
 * calls its body with the decoded arguments. What the task prints to {@code System.out} and {@code
 * System.err} (SLF4J console output included) travels back as {@code log} frames of that run.
 */
public final class WorkerMain {
  private final DataInputStream in;
  private final DataOutputStream out;
  private final Entrypoints entrypoints =
      new Entrypoints(WorkerMain.class.getClassLoader(), SubprocessExecutor.REBUILT_BY);
  private final Map<String, Step<?>> steps = new ConcurrentHashMap<>();

  /** The id of the run frame being served, or 0; log frames carry it. */
  private volatile long current;

  private WorkerMain(Socket socket) throws IOException {
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
    this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
  }

  /** Starts a worker; see the class description. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: WorkerMain PORT (started by the subprocess executor)");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    BufferedReader stdin =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String token = stdin.readLine();
    if (token == null) {
      System.exit(0); // the parent went away before we started
    }
    Thread watcher =
        new Thread(
            () -> {
              try {
                while (stdin.read() >= 0) {
                  // the parent never writes more; anything is ignored until the end
                }
              } catch (IOException e) {
                // a broken pipe means the same as the end: the parent is gone
              }
              Runtime.getRuntime().halt(0);
            },
            "sluice-worker-parent-watch");
    watcher.setDaemon(true);
    watcher.start();

    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setTcpNoDelay(true);
    WorkerMain worker = new WorkerMain(socket);
    ObjectNode hello = Frames.NODES.objectNode();
    hello.put("op", "hello");
    hello.put("protocol", Frames.VERSION);
    hello.put("token", token);
    hello.put("pid", ProcessHandle.current().pid());
    worker.send(hello);
    System.setOut(new PrintStream(worker.new LogStream("stdout"), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(worker.new LogStream("stderr"), true, StandardCharsets.UTF_8));
    worker.serve();
    Runtime.getRuntime().halt(0);
  }

  private void serve() throws IOException {
    while (true) {
      ObjectNode frame;
      try {
        frame = Frames.read(in);
      } catch (EOFException e) {
        return; // the parent closed the connection: we are done
      }
      switch (frame.path("op").asText()) {
        case "run" -> run(frame);
        case "shutdown" -> {
          return;
        }
        default -> throw new IOException("unknown frame " + frame.path("op").asText());
      }
    }
  }

  private void run(ObjectNode frame) throws IOException {
    long id = frame.path("id").asLong();
    current = id;
    ObjectNode reply = Frames.NODES.objectNode();
    reply.put("id", id);
    try {
      Step<?> step = step(frame);
      TaskBody body =
          switch (step) {
            case TaskStep<?> t -> t.body();
            case MapStep<?> m -> m.body();
            default ->
                throw new NonRetryableException(
                    "step '" + step.name() + "' is a sub-flow, which the parent runs itself");
          };
      JsonNode encoded = frame.path("args");
      @Nullable Object[] values = new @Nullable Object[encoded.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = ValueCodec.decodeArgument(encoded.get(i));
      }
      Object result;
      try (Contexts.Scope context = Contexts.extract(frame)) {
        result = body.invoke(new Values(values));
      }
      Type declared = ValueCodec.type(frame.path("resultType").asText("java.lang.Object"));
      ObjectNode encodedResult;
      try {
        encodedResult = ValueCodec.encode(declared, result);
      } catch (IllegalArgumentException e) {
        throw new NonRetryableException(
            "the result of task '"
                + frame.path("task").asText()
                + "' cannot be sent back to the flow: "
                + e.getMessage()
                + "; return a type Jackson can write and read back (a record, a collection, a"
                + " string...)",
            e);
      }
      System.out.flush();
      System.err.flush();
      reply.put("op", "result");
      reply.setAll(encodedResult);
    } catch (Throwable t) {
      System.out.flush();
      System.err.flush();
      reply.put("op", "error");
      reply.set("error", ValueCodec.encodeError(t));
    } finally {
      current = 0;
    }
    send(reply);
  }

  private Step<?> step(ObjectNode frame) {
    String flowName = frame.path("flow").asText();
    String stepName = frame.path("step").asText();
    String key = flowName + '\u0000' + stepName;
    Step<?> step = steps.get(key);
    if (step != null) {
      return step;
    }
    String entrypoint = frame.path("entrypoint").asText();
    Flow<?> flow =
        Entrypoints.find(entrypoints.provider(entrypoint), flowName)
            .orElseThrow(
                () ->
                    new NonRetryableException(
                        "entrypoint "
                            + entrypoint
                            + " provides no flow called '"
                            + flowName
                            + "' in the worker; it must build the same flows in every JVM"));
    step =
        flow.step(stepName)
            .orElseThrow(
                () ->
                    new NonRetryableException(
                        "flow '"
                            + flowName
                            + "' rebuilt by "
                            + entrypoint
                            + " has no step called '"
                            + stepName
                            + "' in the worker; it must build the same steps in every JVM"));
    steps.put(key, step);
    return step;
  }

  private void send(ObjectNode frame) throws IOException {
    synchronized (out) {
      Frames.write(out, frame);
    }
  }

  private record Values(@Nullable Object[] values) implements Arguments {
    @Override
    public int size() {
      return values.length;
    }

    @Override
    public @Nullable Object get(int index) {
      return values[index];
    }
  }

  /** Sends what is written to it as {@code log} frames, one per line. */
  private final class LogStream extends OutputStream {
    private final String stream;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LogStream(String stream) {
      this.stream = stream;
    }

    @Override
    public synchronized void write(int b) throws IOException {
      if (b == '\n') {
        emit();
      } else {
        line.write(b);
      }
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
      for (int i = offset; i < offset + length; i++) {
        write(bytes[i]);
      }
    }

    @Override
    public synchronized void flush() throws IOException {
      if (line.size() > 0) {
        emit();
      }
    }

    private void emit() throws IOException {
      String text = line.toString(StandardCharsets.UTF_8);
      line.reset();
      if (text.endsWith("\r")) {
        text = text.substring(0, text.length() - 1);
      }
      ObjectNode frame = Frames.NODES.objectNode();
      frame.put("op", "log");
      frame.put("id", current);
      frame.put("stream", stream);
      frame.put("line", text);
      send(frame);
    }
  }
}
