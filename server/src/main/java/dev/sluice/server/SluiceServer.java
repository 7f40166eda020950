package dev.sluice.server;

import dev.sluice.api.settings.Settings;
import dev.sluice.api.store.RunStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Executors;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Sluice server: the HTTP API {@code /api/v1} over one run store. {@code sluice server start}
 * runs one; tests and applications start one in code:
 *
 * {@snippet :
 * try (RunStore store = RunStores.open("/data/sluice.db", Map.of());
 *     SluiceServer server = SluiceServer.builder().store(store).port(0).start()) {
 *   System.out.println("API at " + server.apiUri());
 * }
 * }
 *
 * <p>It listens on 127.0.0.1 by default. Listening on any other address needs a token to exist
 * ({@link ServerTokens}) or {@link Builder#insecure}. Calls are answered on virtual threads; the
 * server's own threads are daemons, so a stopped server keeps no JVM alive. Closing it stops
 * accepting calls, ends live streams, lets calls in flight finish (up to {@code
 * server.stop-timeout}) and returns; the store is the caller's to close.
 */
public final class SluiceServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SluiceServer.class);

  private final Server jetty;
  private final Streams streams;
  private final URI uri;
  private volatile boolean closed;

  private SluiceServer(Server jetty, Streams streams, URI uri) {
    this.jetty = jetty;
    this.streams = streams;
    this.uri = uri;
  }

  /** A builder for a server; give it at least the {@linkplain Builder#store store}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Where the server listens, e.g. {@code http://127.0.0.1:4200}. */
  public URI uri() {
    return uri;
  }

  /** The API's base, e.g. {@code http://127.0.0.1:4200/api/v1}. */
  public URI apiUri() {
    return uri.resolve(Api.BASE);
  }

  /** The port the server listens on (the one picked when it was asked for port 0). */
  public int port() {
    return uri.getPort();
  }

  /** Waits until the server has stopped. */
  public void join() throws InterruptedException {
    jetty.join();
  }

  /** Stops the server: see the class comment. Calling it again does nothing. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    streams.stop();
    try {
      jetty.stop();
    } catch (Exception e) {
      log.warn("the server at {} did not stop cleanly: {}", uri, e.toString());
    }
  }

  /** Builds and starts a {@link SluiceServer}. */
  public static final class Builder {
    private @Nullable RunStore store;
    private Settings settings = Settings.of(Map.of());
    private @Nullable String host;
    private @Nullable Integer port;
    private @Nullable Boolean requireToken;
    private boolean insecure;

    private Builder() {}

    /** The run store the API serves; required. The server does not close it. */
    public Builder store(RunStore runStore) {
      this.store = Objects.requireNonNull(runStore, "runStore");
      return this;
    }

    /** The settings the server reads its {@code server.*} options from; default: defaults only. */
    public Builder settings(Settings values) {
      this.settings = Objects.requireNonNull(values, "values");
      return this;
    }

    /** The address to listen on; default {@code server.host}, 127.0.0.1. */
    public Builder host(String address) {
      this.host = Objects.requireNonNull(address, "address");
      return this;
    }

    /** The port to listen on, 0 for any free one; default {@code server.port}, 4200. */
    public Builder port(int number) {
      if (number < 0 || number > 65_535) {
        throw new IllegalArgumentException("a port is 0 to 65535, not " + number);
      }
      this.port = number;
      return this;
    }

    /** Whether every call needs a token even while none is stored; default {@code false}. */
    public Builder requireToken(boolean required) {
      this.requireToken = required;
      return this;
    }

    /**
     * Allows listening on an address other than loopback without any token: everyone who reaches
     * the port may do everything. The server warns when it starts so.
     */
    public Builder insecure(boolean allowed) {
      this.insecure = allowed;
      return this;
    }

    /**
     * Starts the server.
     *
     * @throws ServerStartException when the port is in use, the address is not this machine's, or a
     *     non-loopback address has no token to protect it; the message says what to do
     */
    public SluiceServer start() {
      RunStore runStore = store;
      if (runStore == null) {
        throw new IllegalStateException("a SluiceServer needs its run store: builder().store(...)");
      }
      String address = host != null ? host : settings.get(ServerSettings.HOST);
      int number = port != null ? port : settings.get(ServerSettings.PORT);
      boolean tokensRequired =
          requireToken != null ? requireToken : settings.get(ServerSettings.REQUIRE_TOKEN);
      if (!isLoopback(address)) {
        if (!tokensRequired && !runStore.tokens().any()) {
          if (!insecure) {
            throw new ServerStartException(
                "refusing to listen on "
                    + address
                    + " without a token: anyone reaching it could run and cancel flows; create one"
                    + " with 'sluice server token create --name NAME --scope admin', or pass"
                    + " --insecure to accept that");
          }
          log.warn(
              "INSECURE: the server listens on {} and no token exists: anyone who reaches it may"
                  + " do everything; create a token with 'sluice server token create'",
              address);
        }
      }
      Streams streams = new Streams(runStore.history(), settings.get(ServerSettings.MAX_STREAMS));
      Api api = new Api(runStore, streams, version(), openApiDocument());
      ApiHandler handler =
          new ApiHandler(
              api.router(),
              runStore.tokens(),
              tokensRequired,
              settings.get(ServerSettings.MAX_BODY));

      QueuedThreadPool threads = new QueuedThreadPool(64, 4);
      threads.setName("sluice-server");
      threads.setDaemon(true);
      threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
      Server jetty = new Server(threads);
      // A flow named "team/etl" is the path segment team%2Fetl: allowed, since the router splits
      // the raw path and decodes each segment, so an encoded slash stays inside its segment.
      HttpConfiguration http = new HttpConfiguration();
      http.setUriCompliance(
          UriCompliance.DEFAULT.with("sluice", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR));
      ServerConnector connector = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(http));
      connector.setHost(address);
      connector.setPort(number);
      jetty.addConnector(connector);
      // The dashboard declines /api/ paths; the API answers them (and only them).
      GracefulHandler graceful =
          new GracefulHandler(new Handler.Sequence(new UiHandler(), handler));
      jetty.setHandler(graceful);
      jetty.setStopTimeout(settings.get(ServerSettings.STOP_TIMEOUT).toMillis());
      jetty.setStopAtShutdown(false);
      try {
        jetty.start();
      } catch (Exception e) {
        streams.stop();
        try {
          jetty.stop();
        } catch (Exception ignored) {
          // it did not start; nothing to stop
        }
        if (causedBy(e, BindException.class)) {
          throw new ServerStartException(
              "cannot listen on "
                  + address
                  + ":"
                  + number
                  + ": the port is in use (another Sluice server?) or the address is not this"
                  + " machine's; stop what uses it, or pick another with --port",
              e);
        }
        throw new ServerStartException(
            "cannot start the server on " + address + ":" + number + ": " + e, e);
      }
      String shownHost = address.contains(":") ? "[" + address + "]" : address;
      URI uri = URI.create("http://" + shownHost + ":" + connector.getLocalPort());
      log.debug("serving {} at {}", runStore.location(), uri);
      return new SluiceServer(jetty, streams, uri);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (type.isInstance(t)) {
          return true;
        }
      }
      return false;
    }

    private static boolean isLoopback(String address) {
      try {
        return InetAddress.getByName(address).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
  }

  /** This build's version, e.g. {@code 0.1.0-SNAPSHOT}. */
  static String version() {
    Properties p = new Properties();
    try (InputStream in = SluiceServer.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version", "unknown");
  }

  static byte[] openApiDocument() {
    try (InputStream in = SluiceServer.class.getResourceAsStream("openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from sluice-server's jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
