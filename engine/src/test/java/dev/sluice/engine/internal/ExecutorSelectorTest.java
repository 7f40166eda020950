package dev.sluice.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sluice.api.executor.Attempt;
import dev.sluice.api.executor.ExecutorProvider;
import dev.sluice.api.executor.ExecutorSettings;
import dev.sluice.api.executor.TaskExecutor;
import dev.sluice.api.settings.Setting;
import dev.sluice.api.settings.Settings;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class ExecutorSelectorTest {
  @TempDir Path home;

  /**
   * A provider with a higher priority than the local executor. Registered only through {@link
   * #withExtraProvider}, so it never leaks into other tests' {@link java.util.ServiceLoader}.
   */
  public static final class PriorityProvider implements ExecutorProvider {
    static final AtomicReference<ExecutorSettings> lastSettings = new AtomicReference<>();

    public PriorityProvider() {}

    @Override
    public String name() {
      return "priority";
    }

    @Override
    public int priority() {
      return 10;
    }

    @Override
    public TaskExecutor create(ExecutorSettings settings) {
      lastSettings.set(settings);
      return new TaskExecutor() {
        @Override
        public String name() {
          return "priority";
        }

        @Override
        public void execute(Attempt attempt) {
          attempt.run();
        }

        @Override
        public void close() {}
      };
    }
  }

  private Settings settings(String... code) {
    Map<String, String> map = new HashMap<>();
    map.put("home", home.toString());
    for (int i = 0; i < code.length; i += 2) {
      map.put(code[i], code[i + 1]);
    }
    return Settings.load(map, Map.of(), Map.of());
  }

  private static ClassLoader testLoader() {
    return ExecutorSelectorTest.class.getClassLoader();
  }

  /** The test class path plus a service file registering {@link PriorityProvider}. */
  private URLClassLoader withExtraProvider() throws IOException {
    Path services = Files.createDirectories(home.resolve("extra/META-INF/services"));
    Files.writeString(
        services.resolve(ExecutorProvider.class.getName()),
        PriorityProvider.class.getName() + "\n");
    return new URLClassLoader(new URL[] {home.resolve("extra").toUri().toURL()}, testLoader());
  }

  /** A loader that sees the classes but no service registrations at all. */
  private static ClassLoader withoutProviders() {
    return new ClassLoader(testLoader()) {
      @Override
      public Enumeration<URL> getResources(String name) {
        return Collections.emptyEnumeration();
      }
    };
  }

  @Test
  void selectsLocalByName() {
    TaskExecutor executor = ExecutorSelector.select("local", settings(), testLoader());

    assertThat(executor.name()).isEqualTo("local");
    executor.close();
  }

  @Test
  void nameIsCaseInsensitiveAndStripped() {
    assertThat(ExecutorSelector.select("LOCAL", settings(), testLoader()).name())
        .isEqualTo("local");
    assertThat(ExecutorSelector.select(" Local ", settings(), testLoader()).name())
        .isEqualTo("local");
  }

  @Test
  void unknownNameListsTheAvailableExecutors() {
    assertThatThrownBy(() -> ExecutorSelector.select("cluster", settings(), testLoader()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'cluster'")
        .hasMessageContaining("local");
  }

  @Test
  void unknownNameIsOneLineWithTheModulesOfTheKnownExecutorsAndNoFrames() {
    Throwable e = catchThrowable(() -> ExecutorSelector.select("locl", settings(), testLoader()));

    assertThat(e)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown executor 'locl'")
        .hasMessageContaining("available: [local]")
        .hasMessageContaining("dev.sluice:sluice-executor-local")
        .hasMessageContaining("dev.sluice:sluice-executor-threadpool")
        .hasMessageContaining("dev.sluice:sluice-executor-subprocess");
    assertThat(e.getMessage()).doesNotContain("\n");
    assertThat(e.getStackTrace()).isEmpty();
  }

  @Test
  void unknownNameListsEveryAvailableExecutor() throws IOException {
    try (URLClassLoader loader = withExtraProvider()) {
      assertThatThrownBy(() -> ExecutorSelector.select("cluster", settings(), loader))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("local")
          .hasMessageContaining("priority");
    }
  }

  @Test
  void unknownNameWithNoExecutorsSaysWhatToAdd() {
    assertThatThrownBy(() -> ExecutorSelector.select("local", settings(), withoutProviders()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sluice-executor-local");
  }

  @Test
  void noExecutorAtAllIsAnErrorThatSaysWhatToAdd() {
    assertThatThrownBy(() -> ExecutorSelector.select(null, settings(), withoutProviders()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sluice-executor-local");
  }

  @Test
  void usesTheExecutorSettingWhenNoNameIsGiven() throws IOException {
    try (URLClassLoader loader = withExtraProvider()) {
      TaskExecutor executor = ExecutorSelector.select(null, settings("executor", "local"), loader);

      assertThat(executor.name()).isEqualTo("local");
    }
  }

  @Test
  void nameInCodeWinsOverTheSetting() throws IOException {
    try (URLClassLoader loader = withExtraProvider()) {
      TaskExecutor executor =
          ExecutorSelector.select("local", settings("executor", "priority"), loader);

      assertThat(executor.name()).isEqualTo("local");
    }
  }

  @Test
  void unknownExecutorSettingSaysWhereTheNameCameFrom() {
    Settings settings =
        Settings.load(Map.of("home", home.toString()), Map.of("sluice.executor", "nope"), Map.of());

    assertThatThrownBy(() -> ExecutorSelector.select(null, settings, testLoader()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'nope'")
        .hasMessageContaining("system property sluice.executor")
        .hasMessageContaining("local");
  }

  @Test
  void defaultIsTheProviderWithTheHighestPriority() throws IOException {
    try (URLClassLoader loader = withExtraProvider()) {
      assertThat(ExecutorSelector.select(null, settings(), loader).name()).isEqualTo("priority");
    }
  }

  @Test
  void defaultIsLocalWhenItIsTheOnlyProvider() {
    assertThat(ExecutorSelector.select(null, settings(), testLoader()).name()).isEqualTo("local");
  }

  @Test
  void passesTheResolvedSettingsToTheProviderToReadItsOwn() throws IOException {
    Setting<Integer> parallelism =
        Setting.positiveInt("executor.parallelism").description("test").build();
    try (URLClassLoader loader = withExtraProvider()) {
      ExecutorSelector.select(
          "priority", settings("executor.parallelism", "4", "executor", "priority"), loader);

      assertThat(PriorityProvider.lastSettings.get().get(parallelism)).isEqualTo(4);
    }
  }
}
