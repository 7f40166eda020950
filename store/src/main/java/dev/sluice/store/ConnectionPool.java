package dev.sluice.store;

import dev.sluice.api.store.RunStoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A small bounded pool of connections for reads and the store's short synchronous writes (not the
 * writer's, which has its own), so concurrent readers (a server's many clients) do not queue on one
 * connection. At most {@code size} connections are open; a reader beyond that waits for one to come
 * back. Connections are opened on demand and kept idle for reuse; one that failed is closed rather
 * than reused. Closing the pool closes the idle connections at once and the others as they come
 * back. Hand-rolled because the reader needs nothing a pool library adds (validation, eviction,
 * metrics) and it keeps the store free of another dependency.
 */
final class ConnectionPool {
  /** A query on a pooled connection. */
  interface Use<T> {
    T on(Connection connection) throws SQLException;
  }

  private final Database database;
  private final Semaphore permits;
  private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
  private final AtomicInteger open = new AtomicInteger();
  private volatile boolean closed;

  ConnectionPool(Database database, int size) {
    this.database = database;
    this.permits = new Semaphore(size, true);
  }

  /**
   * Runs {@code use} on a connection of the pool; SQL errors become a {@link RunStoreException}.
   */
  <T> T with(Use<T> use) {
    return run(use, "reading");
  }

  /**
   * Runs {@code use} in a write transaction on a connection of the pool, committed when this
   * returns; rolled back if it throws. The transaction begins as the writer's do ({@link
   * Dialect#begin}: SQLite's {@code BEGIN IMMEDIATE}, so the busy timeout applies to taking the
   * write lock). For the store's synchronous writes: cancel requests, API tokens.
   */
  <T> T inTransaction(Use<T> use) {
    Dialect dialect = database.dialect;
    return run(
        c -> {
          dialect.begin(c);
          boolean committed = false;
          try {
            T result = use.on(c);
            dialect.commit(c);
            committed = true;
            return result;
          } finally {
            if (!committed) {
              dialect.rollback(c);
            }
          }
        },
        "writing");
  }

  private <T> T run(Use<T> use, String doing) {
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunStoreException(
          "interrupted while waiting for a connection to the run store " + database.display(), e);
    }
    @Nullable Connection connection = null;
    try {
      if (closed) {
        throw new RunStoreException("the run store " + database.display() + " is closed");
      }
      connection = idle.pollFirst();
      if (connection != null) {
        try {
          T result = use.on(connection);
          giveBack(connection);
          return result;
        } catch (SQLException e) {
          if (!Failures.isConnectionLost(e)) {
            throw e;
          }
          // An idle connection the server dropped (a restart, an administrator's kill): nothing
          // ran on it, so the call goes on a new one.
          discard(connection);
          connection = null;
        }
      }
      connection = database.connect();
      open.incrementAndGet();
      T result = use.on(connection);
      giveBack(connection);
      return result;
    } catch (SQLException e) {
      if (connection != null) {
        discard(connection);
      }
      throw new RunStoreException(
          doing + " the run store " + database.display() + " failed: " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      if (connection != null) {
        discard(connection);
      }
      throw e;
    } finally {
      permits.release();
    }
  }

  private void giveBack(Connection connection) {
    idle.offerFirst(connection);
    if (closed) {
      closeIdle(); // close() ran while this one was in use
    }
  }

  private void discard(Connection connection) {
    open.decrementAndGet();
    try {
      connection.close();
    } catch (SQLException ignored) {
      // it failed already
    }
  }

  private void closeIdle() {
    for (Connection c = idle.pollFirst(); c != null; c = idle.pollFirst()) {
      discard(c);
    }
  }

  /** How many connections are open, idle or in use. */
  int openConnections() {
    return open.get();
  }

  /** Closes the idle connections now, and those in use when they come back. */
  void close() {
    closed = true;
    closeIdle();
  }
}
