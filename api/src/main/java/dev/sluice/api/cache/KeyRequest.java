package dev.sluice.api.cache;

import dev.sluice.api.CachePolicy;
import dev.sluice.api.spi.Arguments;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What a task run's cache key is computed from; the {@link CachePolicy} says which parts count.
 *
 * @param flowName the flow's name
 * @param taskName the task's (step's) name; for a map element, the map step's
 * @param taskVersion the task's version option (part of its identity)
 * @param policy the task's cache policy
 * @param implementation the object whose code the task runs ({@link
 *     dev.sluice.api.spi.TaskBody#implementation()})
 * @param declaredType the step's declared result type ({@code Object.class} when unknown)
 * @param inputNames the name of each input, in argument order
 * @param inputs the input values, in argument order (read, never copied)
 * @param parameters the flow run's parameters by name
 * @param flowRunId the flow run's id
 */
public record KeyRequest(
    String flowName,
    String taskName,
    String taskVersion,
    CachePolicy policy,
    Object implementation,
    Type declaredType,
    List<String> inputNames,
    Arguments inputs,
    Map<String, @Nullable Object> parameters,
    UUID flowRunId) {}
