package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.ParameterizedType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TypeRefTest {

  @Test
  void capturesAParameterizedType() {
    TypeRef<List<Integer>> ref = new TypeRef<>() {};

    assertThat(ref.type()).isInstanceOf(ParameterizedType.class);
    ParameterizedType type = (ParameterizedType) ref.type();
    assertThat(type.getRawType()).isEqualTo(List.class);
    assertThat(type.getActualTypeArguments()).containsExactly(Integer.class);
    assertThat(ref.rawType()).isEqualTo(List.class);
    assertThat(ref).hasToString("java.util.List<java.lang.Integer>");
  }

  @Test
  void capturesNestedTypeArguments() {
    TypeRef<Map<String, List<Long>>> ref = new TypeRef<>() {};

    assertThat(ref.rawType()).isEqualTo(Map.class);
    assertThat(ref).hasToString("java.util.Map<java.lang.String, java.util.List<java.lang.Long>>");
  }

  @Test
  void capturesAPlainClass() {
    TypeRef<String> ref = new TypeRef<>() {};

    assertThat(ref.type()).isEqualTo(String.class);
    assertThat(ref.rawType()).isEqualTo(String.class);
  }

  @Test
  void ofAClass() {
    TypeRef<Integer> ref = TypeRef.of(Integer.class);

    assertThat(ref.type()).isEqualTo(Integer.class);
    assertThat(ref.rawType()).isEqualTo(Integer.class);
    assertThat(ref).hasToString("java.lang.Integer");
  }

  @Test
  void ofAnArrayClass() {
    assertThat(TypeRef.of(String[].class).rawType()).isEqualTo(String[].class);
  }

  @Test
  void equalWhenTheTypesAreEqual() {
    TypeRef<List<Integer>> a = new TypeRef<>() {};
    TypeRef<List<Integer>> b = new TypeRef<>() {};
    TypeRef<List<String>> other = new TypeRef<>() {};

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(other);
    assertThat(TypeRef.of(String.class)).isEqualTo(new TypeRef<String>() {});
    assertThat(TypeRef.of(String.class)).hasSameHashCodeAs(new TypeRef<String>() {});
    assertThat(TypeRef.of(String.class)).isNotEqualTo(String.class);
  }

  @Test
  @SuppressWarnings("rawtypes")
  void aRawSubclassIsRejectedWithAnExample() {
    assertThatThrownBy(() -> new TypeRef() {})
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "TypeRef must be created with a type argument, e.g. new TypeRef<List<String>>() {}");
  }

  @Test
  void ofNullIsRejected() {
    assertThatThrownBy(() -> TypeRef.of(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("type");
  }

  private static <T> TypeRef<T> captureTypeVariable() {
    return new TypeRef<T>() {};
  }

  @Test
  void theRawTypeOfAnUnboundedTypeVariableIsObject() {
    assertThat(TypeRefTest.<String>captureTypeVariable().rawType()).isEqualTo(Object.class);
  }

  @Test
  void theRawTypeOfAGenericArrayIsAnArrayOfTheRawComponent() {
    TypeRef<List<String>[]> ref = new TypeRef<>() {};

    assertThat(ref.rawType()).isEqualTo(List[].class);
  }
}
