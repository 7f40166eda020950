package dev.sluice.store;

import dev.sluice.api.internal.ProcessLiveness;
import dev.sluice.api.settings.Settings;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.RunStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run ownership by lease ({@code sluice_leases}). A process that records runs holds a lease named
 * by its random instance id ({@link RunOwner#instance()}) and renews it every heartbeat; each of
 * its runs names that lease ({@code owner_lease}). A run whose lease expired — its holder stopped
 * renewing for longer than the timeout, because it died, hung or lost the database — is the one a
 * start or the CLI marks Crashed. Host names and pids are kept for messages only: two machines (or
 * containers) with the same host name never judge each other's runs by their own process table.
 *
 * <p>The lease belongs to its holder, not to a kind of holder: the orchestration service's agents
 * hold the same rows ({@link #AGENT}), and a run claimed by an agent names the agent's lease.
 */
final class Leases implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Leases.class);

  /** The kind of a Sluice process's lease. */
  static final String PROCESS = "process";

  /** The kind of an agent's lease (the deployments issue). */
  static final String AGENT = "agent";

  /** The heartbeat and the timeout, from the store's settings. */
  record Timing(Duration heartbeat, Duration timeout) {
    Timing {
      if (heartbeat.isZero() || timeout.compareTo(heartbeat) <= 0) {
        throw new IllegalArgumentException(
            "the run store's lease settings do not fit: "
                + StoreSettings.LEASE_HEARTBEAT.key()
                + " is "
                + heartbeat
                + " and "
                + StoreSettings.LEASE_TIMEOUT.key()
                + " is "
                + timeout
                + "; the heartbeat must be above zero and the timeout longer than it (e.g."
                + " PT5S and PT30S)");
      }
    }

    static Timing of(Settings settings) {
      return new Timing(
          settings.get(StoreSettings.LEASE_HEARTBEAT), settings.get(StoreSettings.LEASE_TIMEOUT));
    }
  }

  private final Database database;
  private final ConnectionPool pool;
  private final RunOwner self;
  private @Nullable ScheduledExecutorService heartbeat; // guarded by this
  private boolean failing; // heartbeat thread only

  Leases(Database database, ConnectionPool pool, RunOwner self) {
    this.database = database;
    this.pool = pool;
    this.self = self;
  }

  /** This process's instance id, the holder of its lease. */
  String holder() {
    return java.util.Objects.requireNonNull(self.instance(), "the current owner has an instance");
  }

  /**
   * Takes this process's lease, once, and starts renewing it. A lease that cannot be written now
   * (the database is busy or full) is taken by a later heartbeat; until then this process's runs
   * are judged by their start time (see {@link #deadLeaseCondition}).
   */
  synchronized void hold() {
    if (heartbeat != null) {
      return;
    }
    renew();
    long every = database.leaseTiming.heartbeat().toMillis();
    heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sluice-lease-heartbeat");
              t.setDaemon(true);
              return t;
            });
    heartbeat.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Writes this process's lease, valid for one timeout from now; nothing while the database is not
   * prepared (full, unreadable or corrupt: it is not written to, and the next beat after it is
   * prepared writes the lease).
   */
  void renew() {
    if (!database.isPrepared()) {
      return;
    }
    try {
      long now = Micros.of(Instant.now());
      long expires = now + Micros.of(database.leaseTiming.timeout());
      pool.inTransaction(
          c -> {
            try (PreparedStatement s =
                c.prepareStatement(
                    "INSERT INTO sluice_leases (holder, kind, host, pid, acquired_at, renewed_at,"
                        + " expires_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (holder) DO UPDATE"
                        + " SET renewed_at = excluded.renewed_at, expires_at = excluded.expires_at")) {
              s.setString(1, holder());
              s.setString(2, PROCESS);
              s.setString(3, self.host());
              s.setLong(4, self.pid());
              s.setLong(5, now);
              s.setLong(6, now);
              s.setLong(7, expires);
              return s.executeUpdate();
            }
          });
      if (failing) {
        failing = false;
        log.info("the lease of this process's runs in {} is renewed again", database.display());
      }
    } catch (RunStoreException e) {
      if (!failing) {
        failing = true;
        log.warn(
            "could not renew the lease of this process's runs in {} ({}); retrying every {}. If"
                + " it stays unrenewed for {}, other processes mark these runs Crashed",
            database.display(),
            e.getMessage(),
            database.leaseTiming.heartbeat(),
            database.leaseTiming.timeout());
      }
    }
  }

  /**
   * The SQL condition, on {@code sluice_flow_runs r} left-joined with {@code sluice_leases l} on
   * {@code l.holder = r.owner_lease}, of an unfinished run whose owner is known dead: its lease
   * expired, or it has none and started more than a timeout ago (a lease written late, or deleted
   * at its holder's close). Binds the current time twice: {@code now}, then {@code now - timeout}.
   */
  static String deadLeaseCondition() {
    return "(l.expires_at < ? OR (l.holder IS NULL AND r.start_time < ?))";
  }

  /** Binds {@link #deadLeaseCondition()} from {@code first}; returns the next index. */
  int bindDead(PreparedStatement s, int first, long nowMicros) throws SQLException {
    s.setLong(first, nowMicros);
    s.setLong(first + 1, nowMicros - Micros.of(database.leaseTiming.timeout()));
    return first + 2;
  }

  /**
   * Whether {@code owner} is known to be gone: its lease expired or is missing; for owners recorded
   * before leases (no instance), whether it was a process of this host that ended. This process is
   * never dead.
   */
  boolean isKnownDead(Connection c, RunOwner owner) throws SQLException {
    String instance = owner.instance();
    if (instance == null) {
      return ProcessLiveness.isKnownDead(owner);
    }
    if (instance.equals(self.instance())) {
      return false;
    }
    try (PreparedStatement s =
        c.prepareStatement("SELECT expires_at FROM sluice_leases WHERE holder = ?")) {
      s.setString(1, instance);
      try (ResultSet rs = s.executeQuery()) {
        return !rs.next() || rs.getLong(1) < Micros.of(Instant.now());
      }
    }
  }

  /** Stops renewing and gives the lease up: this process's runs are over or abandoned. */
  @Override
  public synchronized void close() {
    if (heartbeat == null) {
      return;
    }
    heartbeat.shutdownNow();
    heartbeat = null;
    if (!database.isPrepared()) {
      return; // never written (see renew)
    }
    try {
      pool.inTransaction(
          c -> {
            try (PreparedStatement s =
                c.prepareStatement("DELETE FROM sluice_leases WHERE holder = ?")) {
              s.setString(1, holder());
              return s.executeUpdate();
            }
          });
    } catch (RunStoreException e) {
      log.debug("could not give up this process's lease; it expires by itself", e);
    }
  }
}
