package dev.sluice.server;

import com.google.auto.service.AutoService;
import dev.sluice.api.settings.Setting;
import dev.sluice.api.settings.SettingsCatalog;
import java.util.List;

/** The settings of {@code sluice server start} and {@link SluiceServer}. */
@AutoService(SettingsCatalog.class)
public final class ServerSettings implements SettingsCatalog {
  /** The address the server listens on. */
  public static final Setting<String> HOST =
      Setting.text("server.host")
          .defaultValue("127.0.0.1")
          .example("0.0.0.0")
          .description(
              "the address the server listens on; anything but loopback needs a token (or"
                  + " --insecure)")
          .build();

  /** The port the server listens on. */
  public static final Setting<Integer> PORT =
      Setting.of(
              "server.port",
              "a port number (0 to 65535; 0 picks a free one)",
              s -> Integer.parseInt(s.strip()))
          .check(p -> p >= 0 && p <= 65_535, "a port number (0 to 65535; 0 picks a free one)")
          .defaultValue(4200)
          .example("8080")
          .description("the port the server listens on (0: any free port)")
          .build();

  /** The largest request body the server reads. */
  public static final Setting<Long> MAX_BODY =
      Setting.bytes("server.max-body")
          .defaultValue(8L * 1024 * 1024)
          .description("the largest request body the server accepts; larger ones get 413")
          .build();

  /** How many live streams one token (or, without tokens, one client address) may hold open. */
  public static final Setting<Integer> MAX_STREAMS =
      Setting.positiveInt("server.max-streams")
          .defaultValue(32)
          .description(
              "how many live (SSE) streams one token, or one client address when no token is used,"
                  + " may hold open; more get 429")
          .build();

  /** Whether every call needs a token even when none is stored. */
  public static final Setting<Boolean> REQUIRE_TOKEN =
      Setting.bool("server.require-token")
          .defaultValue(false)
          .description(
              "require a token on every API call even before one is created (calls are refused"
                  + " until 'sluice server token create' makes one)")
          .build();

  /** How long a stopping server lets requests in flight finish. */
  public static final Setting<java.time.Duration> STOP_TIMEOUT =
      Setting.duration("server.stop-timeout")
          .defaultValue(java.time.Duration.ofSeconds(10))
          .description("how long a stopping server lets requests in flight finish")
          .build();

  /** For {@link java.util.ServiceLoader}. */
  public ServerSettings() {}

  @Override
  public List<Setting<?>> settings() {
    return List.of(HOST, PORT, MAX_BODY, MAX_STREAMS, REQUIRE_TOKEN, STOP_TIMEOUT);
  }
}
