package dev.sluice.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sluice.api.ParameterException;
import dev.sluice.api.TypeRef;
import dev.sluice.api.spi.Parameter;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ParameterBinderTest {

  record Point(int x, int y) {}

  /** A mutable bean, as older code bases write their configuration objects. */
  static final class Target {
    private String host = "";
    private int port;

    public String getHost() {
      return host;
    }

    public void setHost(String host) {
      this.host = host;
    }

    public int getPort() {
      return port;
    }

    public void setPort(int port) {
      this.port = port;
    }
  }

  enum Colour {
    RED,
    GREEN
  }

  private static <T> Parameter<T> required(String name, Type type) {
    return new Parameter<>(name, type, true, null, "");
  }

  private static <T> Parameter<T> optional(String name, Type type, T defaultValue) {
    return new Parameter<>(name, type, false, defaultValue, "");
  }

  private static Object bindOne(Type type, Object given) {
    return ParameterBinder.bind("f", List.of(required("p", type)), Map.of("p", given))[0];
  }

  @Test
  void usesDefaultsForParametersNotGiven() {
    List<Parameter<?>> parameters =
        List.of(optional("msg", String.class, "Hello"), optional("n", Integer.class, 3));

    Object[] values = ParameterBinder.bind("f", parameters, Map.of("n", 7));

    assertThat(values).containsExactly("Hello", 7);
  }

  @Test
  void optionalParameterWithoutDefaultIsNull() {
    Object[] values =
        ParameterBinder.bind("f", List.of(optional("n", Integer.class, null)), Map.of());

    assertThat(values).containsExactly((Object) null);
  }

  @Test
  void valuesComeBackInParameterOrderWhateverTheMapOrder() {
    List<Parameter<?>> parameters =
        List.of(
            required("a", String.class), required("b", String.class), required("c", String.class));

    Object[] values = ParameterBinder.bind("f", parameters, Map.of("c", "3", "a", "1", "b", "2"));

    assertThat(values).containsExactly("1", "2", "3");
  }

  @Test
  void coercesStringToInt() {
    assertThat(bindOne(int.class, "5")).isEqualTo(5);
    assertThat(bindOne(Integer.class, "5")).isEqualTo(5);
    assertThat(bindOne(long.class, "5000000000")).isEqualTo(5_000_000_000L);
  }

  @Test
  void coercesOtherNumberTypesToTheDeclaredOne() {
    assertThat(bindOne(long.class, 5)).isEqualTo(5L);
    assertThat(bindOne(double.class, "2.5")).isEqualTo(2.5);
    assertThat(bindOne(Integer.class, 5L)).isEqualTo(5);
  }

  @Test
  void coercesStringToBooleanAndEnum() {
    assertThat(bindOne(boolean.class, "true")).isEqualTo(true);
    assertThat(bindOne(Colour.class, "GREEN")).isEqualTo(Colour.GREEN);
  }

  @Test
  void coercesJsonArrayToGenericList() {
    Object value = bindOne(new TypeRef<List<Integer>>() {}.type(), "[1,2]");

    assertThat(value).isEqualTo(List.of(1, 2));
    assertThat((List<?>) value).allSatisfy(e -> assertThat(e).isInstanceOf(Integer.class));
  }

  @Test
  void coercesJsonWithSurroundingWhitespace() {
    assertThat(bindOne(new TypeRef<List<Integer>>() {}.type(), "  [ 3, 4 ]\n"))
        .isEqualTo(List.of(3, 4));
  }

  @Test
  void coercesElementsOfAGivenListToTheDeclaredElementType() {
    Object value = bindOne(new TypeRef<List<Integer>>() {}.type(), List.of("1", "2"));

    assertThat(value).isEqualTo(List.of(1, 2));
  }

  @Test
  void coercesJsonObjectToMapOfDeclaredTypes() {
    Object value = bindOne(new TypeRef<Map<String, Long>>() {}.type(), "{\"a\": 1, \"b\": 2}");

    assertThat(value).isEqualTo(Map.of("a", 1L, "b", 2L));
  }

  @Test
  void coercesJsonObjectToRecord() {
    assertThat(bindOne(Point.class, "{\"x\": 1, \"y\": 2}")).isEqualTo(new Point(1, 2));
  }

  @Test
  void coercesMapToRecord() {
    assertThat(bindOne(Point.class, Map.of("x", 3, "y", "4"))).isEqualTo(new Point(3, 4));
  }

  @Test
  void coercesJsonObjectToPojo() {
    Object value = bindOne(Target.class, "{\"host\": \"db\", \"port\": \"5432\"}");

    assertThat(value).isInstanceOf(Target.class);
    Target target = (Target) value;
    assertThat(target.getHost()).isEqualTo("db");
    assertThat(target.getPort()).isEqualTo(5432);
  }

  @Test
  void coercesIsoStringsToJavaTime() {
    assertThat(bindOne(LocalDate.class, "2024-02-29")).isEqualTo(LocalDate.of(2024, 2, 29));
    assertThat(bindOne(LocalDateTime.class, "2024-02-29T10:15:30"))
        .isEqualTo(LocalDateTime.of(2024, 2, 29, 10, 15, 30));
    assertThat(bindOne(Instant.class, "2024-02-29T10:15:30Z"))
        .isEqualTo(Instant.parse("2024-02-29T10:15:30Z"));
    assertThat(bindOne(Duration.class, "PT1M30S")).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void keepsTheOffsetOfAnOffsetDateTime() {
    Object value = bindOne(OffsetDateTime.class, "2024-02-29T10:15:30+02:00");

    assertThat(value)
        .isEqualTo(OffsetDateTime.of(2024, 2, 29, 10, 15, 30, 0, ZoneOffset.ofHours(2)));
  }

  @Test
  void coercesQuotedJsonStringToJavaTime() {
    assertThat(bindOne(LocalDate.class, "\"2024-02-29\"")).isEqualTo(LocalDate.of(2024, 2, 29));
  }

  @Test
  void coercesToOptional() {
    assertThat(bindOne(new TypeRef<Optional<String>>() {}.type(), "x")).isEqualTo(Optional.of("x"));
  }

  @Test
  void leavesJsonLookingStringsAloneForStringParameters() {
    assertThat(bindOne(String.class, "[1,2]")).isEqualTo("[1,2]");
    assertThat(bindOne(String.class, "{\"a\":1}")).isEqualTo("{\"a\":1}");
    assertThat(bindOne(String.class, "\"quoted\"")).isEqualTo("\"quoted\"");
  }

  @Test
  void passesThroughAValueThatAlreadyHasTheDeclaredType() {
    Point point = new Point(1, 2);
    StringBuilder mutable = new StringBuilder("same instance");

    assertThat(bindOne(Point.class, point)).isSameAs(point);
    assertThat(bindOne(StringBuilder.class, mutable)).isSameAs(mutable);
    assertThat(bindOne(Object.class, "5")).isEqualTo("5");
  }

  @Test
  void explicitNullIsKeptForReferenceTypes() {
    Map<String, Object> given = new HashMap<>();
    given.put("p", null);

    Object[] values = ParameterBinder.bind("f", List.of(optional("p", Integer.class, 9)), given);

    assertThat(values).containsExactly((Object) null);
  }

  @Test
  void explicitNullForPrimitiveIsAProblem() {
    Map<String, Object> given = new HashMap<>();
    given.put("p", null);

    ParameterException e =
        catchThrowableOfType(
            ParameterException.class,
            () -> ParameterBinder.bind("f", List.of(required("p", int.class)), given));

    assertThat(e.problems()).singleElement().asString().contains("'p'", "int", "null");
  }

  @Test
  void missingRequiredParameterIsNamedWithItsType() {
    ParameterException e =
        catchThrowableOfType(
            ParameterException.class,
            () -> ParameterBinder.bind("my-flow", List.of(required("count", int.class)), Map.of()));

    assertThat(e.flowName()).isEqualTo("my-flow");
    assertThat(e.problems()).singleElement().asString().contains("'count'", "int", "required");
    assertThat(e).hasMessageContaining("my-flow").hasMessageContaining("'count'");
  }

  @Test
  void unknownParameterNamesTheKnownOnes() {
    ParameterException e =
        catchThrowableOfType(
            ParameterException.class,
            () ->
                ParameterBinder.bind(
                    "f", List.of(optional("msg", String.class, "hi")), Map.of("mgs", "typo")));

    assertThat(e.problems()).singleElement().asString().contains("'mgs'", "msg");
  }

  @Test
  void unknownParameterOfAFlowWithoutParameters() {
    ParameterException e =
        catchThrowableOfType(
            ParameterException.class, () -> ParameterBinder.bind("f", List.of(), Map.of("x", 1)));

    assertThat(e.problems()).singleElement().asString().contains("'x'", "has none");
  }

  @Test
  void uncoercibleValueNamesParameterTypeAndValue() {
    ParameterException e =
        catchThrowableOfType(
            ParameterException.class,
            () -> ParameterBinder.bind("f", List.of(required("n", int.class)), Map.of("n", "abc")));

    assertThat(e.problems()).singleElement().asString().contains("'n'", "int", "\"abc\"");
  }

  @Test
  void malformedJsonIsAProblemNotACrash() {
    ParameterException e =
        catchThrowableOfType(
            ParameterException.class,
            () ->
                ParameterBinder.bind(
                    "f",
                    List.of(required("ids", new TypeRef<List<Integer>>() {}.type())),
                    Map.of("ids", "[1, 2")));

    assertThat(e.problems()).singleElement().asString().contains("'ids'", "[1, 2");
  }

  @Test
  void intOverflowIsAProblem() {
    assertThatThrownBy(
            () ->
                ParameterBinder.bind(
                    "f", List.of(required("n", int.class)), Map.of("n", "99999999999")))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("'n'");
  }

  @Test
  void lossyNumbersAreRefusedNotTruncated() {
    Parameter<?> n = required("n", int.class);
    for (Object lossy : List.<Object>of(2.5, "2.5", 5_000_000_000L, "5000000000", 1e20, 2.5f)) {
      assertThatThrownBy(() -> ParameterBinder.bind("f", List.of(n), Map.of("n", lossy)))
          .as("%s (%s) for an int", lossy, lossy.getClass().getSimpleName())
          .isInstanceOf(ParameterException.class)
          .hasMessageContaining("'n'");
    }
    assertThatThrownBy(() -> ParameterBinder.coerce(1.5, long.class))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> ParameterBinder.coerce("[1, 2.5]", new TypeRef<List<Integer>>() {}.type()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> ParameterBinder.coerce(List.of(1, 2.5), new TypeRef<List<Integer>>() {}.type()))
        .isInstanceOf(IllegalArgumentException.class);
    // A floating-point value is refused for a whole-number type even when it is whole (decided:
    // one simple rule); whole numbers of another integer type still convert.
    assertThatThrownBy(() -> ParameterBinder.coerce(2.0, int.class))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ParameterBinder.coerce(5L, int.class)).isEqualTo(5);
    assertThat(ParameterBinder.coerce("7", short.class)).isEqualTo((short) 7);
  }

  @Test
  void problemsSayWhatWasGivenAndWhatIsExpectedWithoutJacksonInternals() {
    Map<String, Object> given = new HashMap<>();
    given.put("ids", "1,2,3");
    given.put("n", 2.5);
    given.put("p", null);
    given.put("day", "monday");
    List<Parameter<?>> parameters =
        List.of(
            required("ids", new TypeRef<List<Integer>>() {}.type()),
            required("n", int.class),
            required("p", long.class),
            required("day", LocalDate.class));

    ParameterException e =
        catchThrowableOfType(
            ParameterException.class, () -> ParameterBinder.bind("f", parameters, given));

    assertThat(e.problems())
        .containsExactly(
            "parameter 'ids' (List<Integer>) cannot take \"1,2,3\": expected a JSON list of"
                + " integers such as [1,2,3]",
            "parameter 'n' (int) cannot take 2.5: expected a whole number from -2147483648 to"
                + " 2147483647, such as 5",
            "parameter 'p' (long) cannot take null: expected a whole number such as 5",
            "parameter 'day' (LocalDate) cannot take \"monday\": expected an ISO date such as"
                + " 2026-12-07");
    assertThat(e.getMessage())
        .doesNotContain("DeserializationFeature", "Source:", "Cannot deserialize", "java.util");
  }

  @Test
  void manyProblemsAreListedFiftyAtMostInAStableOrder() {
    Map<String, Object> given = new HashMap<>();
    for (int i = 0; i < 100_000; i++) {
      given.put("p" + i, i);
    }

    ParameterException e =
        catchThrowableOfType(
            ParameterException.class, () -> ParameterBinder.bind("f", List.of(), given));

    assertThat(e.problems()).hasSize(100_000);
    assertThat(e.problems().get(0)).startsWith("'p0' is not a parameter");
    assertThat(e.problems().get(1)).startsWith("'p1' is not a parameter");
    assertThat(e.getMessage().lines().filter(l -> l.startsWith("  - "))).hasSize(51);
    assertThat(e.getMessage()).endsWith("\n  - and 99950 more").hasSizeLessThan(10_000);
  }

  @Test
  void longValuesAreShortenedWhereTheMessageShowsTheValue() {
    String longText = "x".repeat(200);

    ParameterException e =
        catchThrowableOfType(
            ParameterException.class,
            () ->
                ParameterBinder.bind(
                    "f", List.of(required("n", int.class)), Map.of("n", longText)));

    // The value is shown as its first 57 characters and an ellipsis.
    assertThat(e.problems())
        .singleElement()
        .asString()
        .startsWith("parameter 'n' (int) cannot take \"" + "x".repeat(57) + "...\": expected ");
  }

  @Test
  void reportsEveryProblemAtOnce() {
    List<Parameter<?>> parameters =
        List.of(
            required("count", int.class),
            required("when", LocalDate.class),
            optional("ok", String.class, "fine"),
            required("ids", new TypeRef<List<Integer>>() {}.type()));
    Map<String, Object> given = Map.of("when", "not a date", "extra", 1, "ids", "[1,\"x\"]");

    ParameterException e =
        catchThrowableOfType(
            ParameterException.class, () -> ParameterBinder.bind("f", parameters, given));

    assertThat(e.problems()).hasSize(4);
    assertThat(e.problems())
        .anySatisfy(p -> assertThat(p).contains("'count'", "required"))
        .anySatisfy(p -> assertThat(p).contains("'when'", "not a date"))
        .anySatisfy(p -> assertThat(p).contains("'extra'"))
        .anySatisfy(p -> assertThat(p).contains("'ids'"))
        .noneSatisfy(p -> assertThat(p).contains("'ok'"));
    assertThat(e).hasMessageContaining("4 problems");
  }

  @Test
  void coerceIsUsableOnItsOwn() {
    assertThat(ParameterBinder.coerce("[1,2,3]", int[].class))
        .satisfies(v -> assertThat(Arrays.equals((int[]) v, new int[] {1, 2, 3})).isTrue());
    assertThat(ParameterBinder.coerce(null, String.class)).isNull();
    assertThatThrownBy(() -> ParameterBinder.coerce(null, long.class))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
