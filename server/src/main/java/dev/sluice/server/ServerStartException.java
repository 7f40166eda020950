package dev.sluice.server;

import java.io.Serial;

/** The server could not start: its message is one line saying why and what to do. */
public final class ServerStartException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  ServerStartException(String message, Throwable cause) {
    super(message, cause);
  }

  ServerStartException(String message) {
    super(message);
  }
}
