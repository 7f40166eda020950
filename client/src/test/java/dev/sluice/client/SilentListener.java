package dev.sluice.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP listener on the loopback address that takes connections and never answers: a network fault
 * (a hung server, something else on the port), not a stand-in for the server — it knows nothing of
 * HTTP beyond where a request's head ends. It keeps each request's head (request line and headers)
 * for a test that checks what went over the wire.
 */
final class SilentListener implements AutoCloseable {
  private final ServerSocket listening;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private final List<String> heads = new CopyOnWriteArrayList<>();

  /** Listens on a free port. */
  SilentListener() throws IOException {
    this(0);
  }

  /** Listens on {@code port}. */
  SilentListener(int port) throws IOException {
    listening = new ServerSocket();
    listening.setReuseAddress(true);
    listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    Thread.ofPlatform().daemon().name("silent-listener").start(this::accept);
  }

  int port() {
    return listening.getLocalPort();
  }

  String url() {
    return "http://127.0.0.1:" + port();
  }

  /** How many connections it took. */
  int connections() {
    return accepted.size();
  }

  /** The heads of the requests it read, each its request line and headers, CRLF-separated. */
  List<String> heads() {
    return List.copyOf(heads);
  }

  private void accept() {
    while (!listening.isClosed()) {
      try {
        Socket socket = listening.accept();
        accepted.add(socket);
        if (listening.isClosed()) {
          socket.close(); // taken as it closed: dropped like the rest
          return;
        }
        Thread.ofVirtual().start(() -> swallow(socket));
      } catch (IOException closed) {
        return;
      }
    }
  }

  /** Reads the head, then reads and drops whatever else comes, answering nothing. */
  private void swallow(Socket socket) {
    try (InputStream in = socket.getInputStream()) {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int last4 = 0;
      int b;
      while ((b = in.read()) >= 0) {
        head.write(b);
        last4 = (last4 << 8) | b;
        if (last4 == 0x0d0a0d0a) { // CRLF CRLF: the head ends
          byte[] bytes = head.toByteArray();
          heads.add(new String(bytes, 0, bytes.length - 4, StandardCharsets.ISO_8859_1));
          break;
        }
      }
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException closed) {
      // the client gave up, or the listener closed
    }
  }

  /** Stops listening and drops every connection it took. */
  @Override
  public void close() throws IOException {
    listening.close();
    for (Socket socket : accepted) {
      socket.close();
    }
  }
}
