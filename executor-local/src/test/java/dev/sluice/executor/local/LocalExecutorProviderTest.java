package dev.sluice.executor.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.executor.ExecutorProvider;
import dev.sluice.api.executor.ExecutorSettings;
import dev.sluice.api.executor.TaskExecutor;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class LocalExecutorProviderTest {

  @Test
  void isFoundByServiceLoaderUnderTheNameLocal() {
    List<ExecutorProvider> local =
        ServiceLoader.load(ExecutorProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.name().equals("local"))
            .toList();

    assertThat(local).singleElement().isInstanceOf(LocalExecutorProvider.class);
  }

  @Test
  void hasTheLowestDefaultPriority() {
    assertThat(new LocalExecutorProvider().priority()).isZero();
    assertThat(LocalExecutorProvider.NAME).isEqualTo("local");
  }

  @Test
  void createsAFreshLocalExecutorEachTime() {
    LocalExecutorProvider provider = new LocalExecutorProvider();

    try (TaskExecutor first = provider.create(ExecutorSettings.DEFAULTS);
        TaskExecutor second = provider.create(new ExecutorSettings(Map.of("parallelism", "4")))) {
      assertThat(first).isInstanceOf(LocalExecutor.class);
      assertThat(first.name()).isEqualTo("local");
      assertThat(second).isNotSameAs(first);
    }
  }
}
