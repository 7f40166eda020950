package dev.sluice.api.settings;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/**
 * The settings one module declares. Each module that reads settings implements this once and
 * registers it with {@code @AutoService(SettingsCatalog.class)}, so {@code sluice config}, the
 * unknown-key warnings and {@code docs/settings.md} know every setting of the modules on the class
 * path.
 *
 * {@snippet :
 * @AutoService(SettingsCatalog.class)
 * public final class StoreSettings implements SettingsCatalog {
 *   public static final Setting<Integer> BUSY_TIMEOUT =
 *       Setting.positiveInt("store.busy-timeout-ms").defaultValue(30_000)
 *           .description("how long a writer waits for another process's lock, in ms").build();
 *
 *   @Override
 *   public List<Setting<?>> settings() {
 *     return List.of(BUSY_TIMEOUT);
 *   }
 * }
 * }
 */
public interface SettingsCatalog {
  /** The settings this module declares. */
  List<Setting<?>> settings();

  /**
   * Every setting declared by the catalogs {@link ServiceLoader} finds with {@code loader}, sorted
   * by key.
   *
   * @throws IllegalStateException when two catalogs declare the same key
   */
  static List<Setting<?>> discover(@Nullable ClassLoader loader) {
    Map<String, Setting<?>> byKey = new HashMap<>();
    for (SettingsCatalog catalog : ServiceLoader.load(SettingsCatalog.class, loader)) {
      for (Setting<?> setting : catalog.settings()) {
        Setting<?> earlier = byKey.putIfAbsent(setting.key(), setting);
        if (earlier != null && earlier != setting) {
          throw new IllegalStateException(
              "the setting '"
                  + setting.key()
                  + "' is declared twice (again by "
                  + catalog.getClass().getName()
                  + "); each setting has one home");
        }
      }
    }
    List<Setting<?>> all = new ArrayList<>(byKey.values());
    all.sort(Comparator.comparing(Setting::key));
    return List.copyOf(all);
  }
}
