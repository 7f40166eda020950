package dev.sluice.executor.threadpool;

import com.google.auto.service.AutoService;
import dev.sluice.api.settings.Setting;
import dev.sluice.api.settings.SettingsCatalog;
import java.util.List;

/** The settings of the {@code threadpool} executor. */
@AutoService(SettingsCatalog.class)
public final class ThreadPoolSettings implements SettingsCatalog {
  /** Platform or virtual threads. */
  public static final Setting<String> THREADS =
      Setting.oneOf("executor.threads", "platform", "virtual")
          .defaultValue("platform")
          .description("threadpool executor: platform threads or virtual threads")
          .build();

  /** The most attempts running at once. */
  public static final Setting<Integer> PARALLELISM =
      Setting.positiveInt("executor.parallelism")
          .defaultText(
              "number of processors (platform threads), "
                  + ThreadPoolExecutorProvider.DEFAULT_VIRTUAL_PARALLELISM
                  + " (virtual threads)")
          .description("threadpool executor: how many attempts run at once")
          .build();

  /** Whether Sluice instances of the process share one pool. */
  public static final Setting<Boolean> SHARED =
      Setting.bool("executor.shared")
          .defaultValue(false)
          .description(
              "threadpool executor: share one pool between the Sluice instances of this process"
                  + " (never shut down)")
          .build();

  /** For {@link java.util.ServiceLoader}. */
  public ThreadPoolSettings() {}

  @Override
  public List<Setting<?>> settings() {
    return List.of(THREADS, PARALLELISM, SHARED);
  }
}
