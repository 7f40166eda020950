package dev.sluice.api.internal;

import java.lang.reflect.Array;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;

/** Reflection on generic types. */
public final class Types {
  private Types() {}

  /** The raw class of any type. */
  public static Class<?> rawType(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    if (type instanceof GenericArrayType array) {
      return Array.newInstance(rawType(array.getGenericComponentType()), 0).getClass();
    }
    if (type instanceof TypeVariable<?> variable && variable.getBounds().length > 0) {
      return rawType(variable.getBounds()[0]);
    }
    if (type instanceof WildcardType wildcard && wildcard.getUpperBounds().length > 0) {
      return rawType(wildcard.getUpperBounds()[0]);
    }
    return Object.class;
  }
}
