package dev.sluice.executor.subprocess;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.executor.ContextPropagator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/**
 * The {@link ContextPropagator}s on the class path, for a run frame's optional {@code context}
 * object: text entries the parent adds from the thread running the attempt and the worker makes
 * current around the body. Without propagators the frame has no {@code context} and nothing is
 * done. A propagator that throws is skipped: the attempt runs without its context.
 */
final class Contexts {
  private static final List<ContextPropagator> PROPAGATORS = load();

  private Contexts() {}

  private static List<ContextPropagator> load() {
    List<ContextPropagator> found = new ArrayList<>();
    try {
      ServiceLoader.load(ContextPropagator.class, Contexts.class.getClassLoader())
          .forEach(found::add);
    } catch (java.util.ServiceConfigurationError e) {
      // a broken provider must not stop attempts from running; they run without context
    }
    return List.copyOf(found);
  }

  /** Adds the current thread's context to {@code request} as its {@code context} object. */
  static void inject(ObjectNode request) {
    if (PROPAGATORS.isEmpty()) {
      return;
    }
    Map<String, String> carrier = new LinkedHashMap<>();
    for (ContextPropagator propagator : PROPAGATORS) {
      try {
        propagator.inject(carrier);
      } catch (RuntimeException e) {
        // ignored: see the class description
      }
    }
    if (!carrier.isEmpty()) {
      ObjectNode context = request.putObject("context");
      carrier.forEach(context::put);
    }
  }

  /** Makes the {@code context} of a run frame current; the result undoes it. */
  static Scope extract(JsonNode frame) {
    JsonNode context = frame.get("context");
    if (PROPAGATORS.isEmpty() || context == null || !context.isObject()) {
      return () -> {};
    }
    Map<String, String> carrier = new LinkedHashMap<>();
    context.properties().forEach(e -> carrier.put(e.getKey(), e.getValue().asText()));
    List<AutoCloseable> opened = new ArrayList<>();
    for (ContextPropagator propagator : PROPAGATORS) {
      try {
        opened.add(propagator.extract(carrier));
      } catch (RuntimeException e) {
        // ignored: see the class description
      }
    }
    return () -> {
      for (int i = opened.size() - 1; i >= 0; i--) {
        close(opened.get(i));
      }
    };
  }

  private static void close(@Nullable AutoCloseable scope) {
    if (scope == null) {
      return;
    }
    try {
      scope.close();
    } catch (Exception e) {
      // ignored: see the class description
    }
  }

  /** What {@link #extract} made current; closing never throws. */
  interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
