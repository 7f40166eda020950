package dev.sluice.store;

import com.google.auto.service.AutoService;
import dev.sluice.api.settings.Setting;
import dev.sluice.api.settings.SettingsCatalog;
import java.time.Duration;
import java.util.List;

/**
 * The settings of the SQLite and PostgreSQL run stores. Where the store is ({@code store}) and
 * whether logs are captured ({@code store.capture-logs}) are the engine's settings.
 */
@AutoService(SettingsCatalog.class)
public final class StoreSettings implements SettingsCatalog {
  /** How long an SQLite writer waits for another process's lock. */
  public static final Setting<Integer> BUSY_TIMEOUT =
      Setting.positiveInt("store.busy-timeout-ms")
          .defaultValue(30_000)
          .description("SQLite store: how long a writer waits for another process's lock, in ms")
          .build();

  /** The PostgreSQL user. */
  public static final Setting<String> USER =
      Setting.text("store.user")
          .defaultText("none (the URL's, if any)")
          .description("PostgreSQL store: the user name")
          .build();

  /** The PostgreSQL password. */
  public static final Setting<String> PASSWORD =
      Setting.text("store.password")
          .defaultText("none (the URL's, if any)")
          .description("PostgreSQL store: the password (shown masked)")
          .secret()
          .build();

  /** How long to wait for the PostgreSQL server. */
  public static final Setting<Integer> CONNECT_TIMEOUT =
      Setting.positiveInt("store.connect-timeout-s")
          .defaultValue(5)
          .description("PostgreSQL store: how long to wait for the server, in seconds")
          .build();

  /** Where records the database cannot take now are kept first (then other directories). */
  public static final Setting<java.nio.file.Path> JOURNAL_DIR =
      Setting.path("store.journal-dir")
          .defaultText("$SLUICE_HOME/journal, then the temporary directory")
          .description(
              "where the run store keeps records its database cannot take now (a full disk, an"
                  + " unreachable server), until it can")
          .build();

  /** How often a process renews the lease that owns its runs. */
  public static final Setting<Duration> LEASE_HEARTBEAT =
      Setting.duration("store.lease-heartbeat")
          .defaultValue(Duration.ofSeconds(5))
          .description(
              "how often a process recording runs renews the lease that owns them (its heartbeat)")
          .build();

  /**
   * How long after its last renewal a lease expires: then its runs still going are marked Crashed.
   */
  public static final Setting<Duration> LEASE_TIMEOUT =
      Setting.duration("store.lease-timeout")
          .defaultValue(Duration.ofSeconds(30))
          .description(
              "how long after its last heartbeat a process's lease expires and its unfinished runs"
                  + " are marked Crashed; longer than the heartbeat and the hosts' clock skew")
          .build();

  /** For {@link java.util.ServiceLoader}. */
  public StoreSettings() {}

  @Override
  public List<Setting<?>> settings() {
    return List.of(
        BUSY_TIMEOUT, USER, PASSWORD, CONNECT_TIMEOUT, JOURNAL_DIR, LEASE_HEARTBEAT, LEASE_TIMEOUT);
  }
}
