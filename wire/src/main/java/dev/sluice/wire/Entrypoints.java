package dev.sluice.wire;

import dev.sluice.api.Flow;
import dev.sluice.api.FlowProvider;
import dev.sluice.api.spi.Step;
import dev.sluice.api.spi.SubflowStep;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the <em>entrypoint</em> that rebuilds a flow in another process, for executors that run
 * tasks outside this JVM: on the submitting side to check a flow before it runs (and to tell the
 * other side which class to load), on the running side to rebuild the flow and find its steps.
 *
 * <p>An entrypoint is a class: a {@link FlowProvider}, or any class whose static fields hold the
 * flows (the class that defined a flow, as {@code FlowOptions.definedIn()} records, is tried when
 * no entrypoint is named, so a flow kept in a {@code static final} field needs no provider). Its
 * flows are searched with their sub-flows, so a child flow is found through its parent's
 * entrypoint. Providers are created once per class name and kept; an instance is safe to share
 * between threads.
 */
public final class Entrypoints {
  private final ClassLoader loader;
  private final String rebuiltBy;
  private final Map<String, FlowProvider> providers = new ConcurrentHashMap<>();

  /**
   * Loads entrypoints with {@code loader}.
   *
   * @param loader the class loader that entrypoint classes and {@link ServiceLoader} providers are
   *     loaded with
   * @param rebuiltBy who rebuilds flows from entrypoints, as messages name them: e.g. {@code "the
   *     subprocess executor's workers"}
   */
  public Entrypoints(ClassLoader loader, String rebuiltBy) {
    this.loader = loader;
    this.rebuiltBy = rebuiltBy;
  }

  /**
   * The class name of the entrypoint that provides {@code flow} (by name): the flow's named
   * entrypoint, else the parent flow's, else the class that defined it (its static fields), else a
   * provider found by {@link ServiceLoader}.
   *
   * @param flow the flow to find
   * @param inheritedEntrypoint the entrypoint of the flow this one is a sub-flow of, tried after
   *     the flow's own; empty when there is none
   * @throws IllegalArgumentException naming the flow and saying how to add an entrypoint
   */
  public String resolve(Flow<?> flow, String inheritedEntrypoint) {
    String named = flow.options().entrypoint();
    for (String candidate : List.of(named, inheritedEntrypoint)) {
      if (candidate.isEmpty()) {
        continue;
      }
      FlowProvider provider = provider(candidate);
      if (find(provider, flow.name()).isPresent()) {
        return candidate;
      }
      if (candidate.equals(named)) {
        throw new IllegalArgumentException(
            "flow '"
                + flow.name()
                + "' names the entrypoint "
                + named
                + ", but its flows() has no flow called '"
                + flow.name()
                + "' (it has "
                + names(provider)
                + "); return this flow from it");
      }
    }
    String definer = flow.options().definedIn();
    if (!definer.isEmpty() && definesInStaticField(definer, flow.name())) {
      return definer;
    }
    for (FlowProvider provider : ServiceLoader.load(FlowProvider.class, loader)) {
      if (find(provider, flow.name()).isPresent()) {
        providers.putIfAbsent(provider.getClass().getName(), provider);
        return provider.getClass().getName();
      }
    }
    throw new IllegalArgumentException(
        "flow '"
            + flow.name()
            + "' has no entrypoint, so "
            + rebuiltBy
            + " cannot rebuild it. Keep the flow in a static field of the class that defines it"
            + " (static final Flow<..> FLOW = Flows.named(\""
            + flow.name()
            + "\")...), where they look first; or add a"
            + " class implementing dev.sluice.api.FlowProvider (with a public no-argument"
            + " constructor) whose flows() returns this flow, and either name it on the flow,"
            + " Flows.named(\""
            + flow.name()
            + "\").entrypoint(MyFlows.class), or register it for ServiceLoader"
            + " (@AutoService(FlowProvider.class), or a line in"
            + " META-INF/services/dev.sluice.api.FlowProvider)");
  }

  /** Whether the class {@code className} holds the flow called {@code name} in a static field. */
  private boolean definesInStaticField(String className, String name) {
    try {
      return find(provider(className), name).isPresent();
    } catch (IllegalArgumentException e) {
      return false; // a flow defined in a method, a class another JVM cannot load: look further
    }
  }

  /**
   * The entrypoint of this class, created once: a {@link FlowProvider} made with its public
   * no-argument constructor, or, for another class, a provider of the flows its static fields hold
   * (the class is initialized, which builds them).
   *
   * @throws IllegalArgumentException when the class is not on the classpath, cannot be created, or
   *     is no provider and holds no flow in a static field
   */
  public FlowProvider provider(String className) {
    return providers.computeIfAbsent(
        className,
        name -> {
          try {
            Class<?> c = Class.forName(name, true, loader);
            if (!FlowProvider.class.isAssignableFrom(c)) {
              return StaticFlows.of(c);
            }
            return (FlowProvider) c.getConstructor().newInstance();
          } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(
                "entrypoint class " + name + " is not on the classpath", e);
          } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(
                "entrypoint " + name + " needs a public no-argument constructor", e);
          } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(
                "entrypoint " + name + " could not be created: " + e, e);
          }
        });
  }

  /** The flows held in the static fields of a class that is not a {@link FlowProvider}. */
  private record StaticFlows(List<Flow<?>> flows) implements FlowProvider {
    static StaticFlows of(Class<?> c) {
      List<Flow<?>> flows = new ArrayList<>();
      for (Field field : c.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())
            && Flow.class.isAssignableFrom(field.getType())
            && field.trySetAccessible()) {
          try {
            if (field.get(null) instanceof Flow<?> flow) {
              flows.add(flow);
            }
          } catch (IllegalAccessException e) {
            // trySetAccessible said yes; a field we still cannot read holds no flow for us
          }
        }
      }
      if (flows.isEmpty()) {
        throw new IllegalArgumentException(
            "entrypoint "
                + c.getName()
                + " does not implement dev.sluice.api.FlowProvider and holds no flow in a static"
                + " field");
      }
      return new StaticFlows(List.copyOf(flows));
    }
  }

  /** The flow called {@code name} among the provider's flows and their sub-flows. */
  public static Optional<Flow<?>> find(FlowProvider provider, String name) {
    Deque<Flow<?>> todo = new ArrayDeque<>(provider.flows());
    Map<Flow<?>, Boolean> seen = new IdentityHashMap<>();
    while (!todo.isEmpty()) {
      Flow<?> flow = todo.pop();
      if (seen.put(flow, Boolean.TRUE) != null) {
        continue;
      }
      if (flow.name().equals(name)) {
        return Optional.of(flow);
      }
      for (Step<?> step : flow.steps()) {
        if (step instanceof SubflowStep<?> sub) {
          todo.push(sub.flow());
        }
      }
    }
    return Optional.empty();
  }

  private static List<String> names(FlowProvider provider) {
    List<String> names = new ArrayList<>();
    for (Flow<?> flow : provider.flows()) {
      names.add(flow.name());
    }
    return names;
  }
}
