package dev.sluice.api;

import dev.sluice.api.internal.Types;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * A Java type with its generic arguments, captured by subclassing:
 *
 * {@snippet :
 * TypeRef<List<Integer>> ids = new TypeRef<>() {};
 * }
 *
 * <p>Used where Sluice needs a value's full type at run time: coercing a parameter from a string,
 * and (later) encoding inputs and results.
 *
 * @param <T> the captured type
 */
public abstract class TypeRef<T> {
  private final Type type;

  /** Captures the type argument of the anonymous subclass. */
  protected TypeRef() {
    Type superclass = getClass().getGenericSuperclass();
    if (!(superclass instanceof ParameterizedType parameterized)) {
      throw new IllegalStateException(
          "TypeRef must be created with a type argument, e.g. new TypeRef<List<String>>() {}");
    }
    this.type = parameterized.getActualTypeArguments()[0];
  }

  private TypeRef(Type type) {
    this.type = Objects.requireNonNull(type, "type");
  }

  /** A reference to a plain class. */
  public static <T> TypeRef<T> of(Class<T> type) {
    return new TypeRef<T>(type) {};
  }

  /** The captured type. */
  public final Type type() {
    return type;
  }

  /** The raw class of the captured type. */
  public final Class<?> rawType() {
    return Types.rawType(type);
  }

  @Override
  public final boolean equals(Object o) {
    return o instanceof TypeRef<?> other && type.equals(other.type);
  }

  @Override
  public final int hashCode() {
    return type.hashCode();
  }

  @Override
  public final String toString() {
    return type.getTypeName();
  }
}
