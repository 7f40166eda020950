package dev.sluice.executor.contract;

import static dev.sluice.executor.contract.ExecutorFeature.RUNS_ATTEMPTS_IN_PARALLEL;
import static dev.sluice.executor.contract.ExecutorFeature.RUNS_ATTEMPTS_IN_THIS_JVM;
import static dev.sluice.executor.contract.ExecutorFeature.RUNS_ATTEMPTS_IN_WORKER_PROCESSES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedClass;

import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The machinery of {@link ExecutorContractSuite}: what it skips and why, what it refuses, and that
 * no tester or flow is left out of what runs.
 */
class ExecutorContractSuiteTest {

  /** The local executor, declared as it is in {@link LocalExecutorContractTest}. */
  static class Local extends ExecutorContractSuite {
    @Override
    protected Sluice.Builder sluice() {
      return Sluice.builder().executor("local");
    }

    @Override
    protected int parallelism() {
      return 1;
    }

    @Override
    protected Set<ExecutorFeature> features() {
      return EnumSet.of(RUNS_ATTEMPTS_IN_THIS_JVM);
    }
  }

  static class LocalSuppressingAFlowRetry extends Local {
    @Override
    protected Map<String, String> suppressed() {
      return Map.of("aFlowRetryReRunsOnlyWhatDidNotComplete", "bug: flow retries are broken");
    }
  }

  static class LocalClaimingParallelism extends Local {
    @Override
    protected Set<ExecutorFeature> features() {
      return EnumSet.of(RUNS_ATTEMPTS_IN_PARALLEL, RUNS_ATTEMPTS_IN_THIS_JVM);
    }
  }

  /** Declared valid, so that the suite's check passes and the feature decides. */
  static class LocalClaimingWorkerProcesses extends Local {
    @Override
    protected Set<ExecutorFeature> features() {
      return EnumSet.of(RUNS_ATTEMPTS_IN_WORKER_PROCESSES);
    }
  }

  static class LocalSayingNothingOfWhereTasksRun extends Local {
    @Override
    protected Set<ExecutorFeature> features() {
      return EnumSet.noneOf(ExecutorFeature.class);
    }
  }

  @Test
  void aTestNeedingAMissingFeatureIsSkippedNamingItAndTheOthersRun() {
    Map<String, String> results =
        run(selectNestedClass(List.of(Local.class), ExecutorContractSuite.ConcurrencyLimits.class));

    String skipped =
        "ABORTED Assumption failed: needs an executor that runs attempts in parallel [RUNS_ATTEMPTS_IN_PARALLEL];"
            + " Local declares [RUNS_ATTEMPTS_IN_THIS_JVM]";
    assertThat(results)
        .containsEntry("tasksBeyondTheLimitAwaitAConcurrencySlotWhileTwoRun", skipped)
        .containsEntry("aTaskAwaitingAConcurrencySlotHoldsNoThread", skipped)
        .containsEntry("aConcurrencyLimitBoundsHowManyTaggedAttemptsRunAtOnce", "SUCCESSFUL")
        .containsEntry("concurrencySlotsAreReleasedOnEveryExitPath", "SUCCESSFUL")
        .hasSize(5);
  }

  @Test
  void aTesterNeedingAMissingFeatureIsSkippedWholeNamingIt() {
    Map<String, String> results =
        run(
            selectNestedClass(
                List.of(LocalClaimingWorkerProcesses.class),
                ExecutorContractSuite.NestedRuns.class));

    assertThat(results)
        .containsExactly(
            Map.entry(
                "aTaskCanRunAnotherFlowOnTheSameSluiceAndWaitForIt",
                "ABORTED Assumption failed: needs an executor that runs task code in the test's JVM"
                    + " [RUNS_ATTEMPTS_IN_THIS_JVM]; LocalClaimingWorkerProcesses declares"
                    + " [RUNS_ATTEMPTS_IN_WORKER_PROCESSES]"));
  }

  @Test
  void aSuppressedTestIsSkippedWithItsReason() {
    Map<String, String> results =
        run(
            selectNestedClass(
                List.of(LocalSuppressingAFlowRetry.class), ExecutorContractSuite.Retries.class));

    assertThat(results)
        .containsEntry(
            "aFlowRetryReRunsOnlyWhatDidNotComplete",
            "ABORTED Assumption failed: suppressed by LocalSuppressingAFlowRetry: bug: flow retries are broken")
        .containsEntry("aTaskThatSucceedsOnARetryCompletesAndPassesItsValueOn", "SUCCESSFUL")
        .hasSize(3);
  }

  /** Declaring a feature the executor lacks would make tests fail for the wrong reason. */
  @Test
  void featuresThatContradictTheParallelismFailEveryTestSayingWhy() {
    Map<String, String> results =
        run(
            selectNestedClass(
                List.of(LocalClaimingParallelism.class), ExecutorContractSuite.Retries.class));

    assertThat(results)
        .hasSize(3)
        .allSatisfy(
            (test, result) ->
                assertThat(result)
                    .startsWith("FAILED")
                    .contains("whether features() has RUNS_ATTEMPTS_IN_PARALLEL"));
  }

  /** Leaving both out would skip nothing but check neither way an executor stops attempts. */
  @Test
  void featuresSayingNothingOfWhereTasksRunFailEveryTestSayingWhy() {
    Map<String, String> results =
        run(
            selectNestedClass(
                List.of(LocalSayingNothingOfWhereTasksRun.class),
                ExecutorContractSuite.Retries.class));

    assertThat(results)
        .hasSize(3)
        .allSatisfy(
            (test, result) ->
                assertThat(result)
                    .startsWith("FAILED")
                    .contains(
                        "exactly one of RUNS_ATTEMPTS_IN_THIS_JVM and"
                            + " RUNS_ATTEMPTS_IN_WORKER_PROCESSES"));
  }

  /** A tester without its nested class in the suite would never run, and nothing would say so. */
  @Test
  void everyTesterRunsAsANestedClassOfTheSuite() throws Exception {
    List<Class<?>> bound = new ArrayList<>();
    for (Class<?> nested : ExecutorContractSuite.class.getDeclaredClasses()) {
      if (nested.isAnnotationPresent(Nested.class)) {
        bound.add(nested.getSuperclass());
      }
    }

    assertThat(bound).containsExactlyInAnyOrderElementsOf(classesNamed("Tester"));
  }

  /**
   * A flow the entrypoint does not list runs in this JVM but not in a worker process, so only the
   * subprocess executor's run would notice: every flow and flow family of every topic is listed.
   */
  @Test
  void theEntrypointListsEveryFlowOfEveryTopic() throws Exception {
    List<String> listed = new ArrayList<>();
    for (Flow<?> flow : new ContractFlows().flows()) {
      listed.add(flow.name());
    }
    List<String> declared = new ArrayList<>();
    for (Class<?> flows : classesNamed("Flows")) {
      for (Field field : flows.getDeclaredFields()) {
        if (!Modifier.isStatic(field.getModifiers())) {
          continue;
        }
        field.setAccessible(true);
        if (field.get(null) instanceof Flow<?> flow) {
          declared.add(flow.name());
        } else if (field.get(null) instanceof FlowFamily<?, ?> family) {
          declared.addAll(family.listed().stream().map(Flow::name).toList());
        }
      }
    }
    // Sub-flows are found through their parents, so they need not be listed.
    declared.removeAll(List.of(SubflowFlows.CHILD.name(), CancellationFlows.SLOW_CHILD.name()));

    assertThat(declared).hasSizeGreaterThan(40);
    assertThat(listed).containsAll(declared).doesNotHaveDuplicates();
  }

  /** The classes of this package whose names end with {@code suffix}, but not that word alone. */
  private static List<Class<?>> classesNamed(String suffix)
      throws IOException, URISyntaxException, ClassNotFoundException {
    Path dir =
        Path.of(ContractTester.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .resolve(ContractTester.class.getPackageName().replace('.', '/'));
    List<Class<?>> classes = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(suffix + ".class")
            && !name.equals(suffix + ".class")
            && !name.equals("Contract" + suffix + ".class")
            && !name.contains("$")) {
          classes.add(
              Class.forName(
                  ContractTester.class.getPackageName()
                      + "."
                      + name.substring(0, name.length() - ".class".length())));
        }
      }
    }
    assertThat(classes).as("classes named *%s in %s", suffix, dir).isNotEmpty();
    return classes;
  }

  /**
   * Runs the tests {@code selector} selects and returns each test's result by method name: {@code
   * SUCCESSFUL}, {@code ABORTED} (skipped) with its reason, or {@code FAILED} with its error.
   */
  private static Map<String, String> run(DiscoverySelector selector) {
    Map<String, String> results = new LinkedHashMap<>();
    TestExecutionListener listener =
        new TestExecutionListener() {
          @Override
          public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            if (test.isTest()) {
              results.put(
                  test.getLegacyReportingName().replace("()", ""),
                  result.getStatus()
                      + result.getThrowable().map(t -> " " + t.getMessage()).orElse(""));
            }
          }
        };
    LauncherFactory.create()
        .execute(LauncherDiscoveryRequestBuilder.request().selectors(selector).build(), listener);
    return results;
  }
}
