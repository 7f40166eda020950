package dev.sluice.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.TaskFunction0;
import dev.sluice.api.CachePolicy;
import dev.sluice.api.cache.CacheKey;
import dev.sluice.api.cache.KeyRequest;
import dev.sluice.api.spi.Arguments;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Keys: equal values give equal keys whatever their construction; different values differ. */
class KeysProperties {

  static String hash(Object value) throws Exception {
    return Sha256.hex(Keys.encode(value));
  }

  static CacheKey key(CachePolicy policy, List<String> names, List<?> values) throws Exception {
    TaskFunction0<String> fn = () -> "task";
    Arguments args =
        new Arguments() {
          @Override
          public int size() {
            return values.size();
          }

          @Override
          public Object get(int index) {
            return values.get(index);
          }
        };
    return Keys.key(
        new KeyRequest(
            "flow",
            "task",
            "",
            policy,
            fn,
            Object.class,
            names,
            args,
            Map.of("p", 1),
            UUID.fromString("01890000-0000-7000-8000-000000000000")));
  }

  @Provide
  Arbitrary<Object> values() {
    Arbitrary<Object> leaves =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(8).map(s -> (Object) s),
            Arbitraries.longs().map(l -> (Object) l),
            Arbitraries.of(true, false).map(b -> (Object) b),
            Arbitraries.just(null));
    return Arbitraries.recursive(
        () -> leaves,
        inner ->
            Arbitraries.oneOf(
                inner.list().ofMaxSize(4).map(l -> (Object) l),
                Arbitraries.maps(Arbitraries.strings().ofMaxLength(4), inner)
                    .ofMaxSize(4)
                    .map(m -> (Object) m)),
        0,
        3);
  }

  @Property
  void mapsAndSetsGiveEqualKeysWhateverTheInsertionOrder(
      @ForAll @Size(max = 20) Map<String, Integer> entries) throws Exception {
    List<Map.Entry<String, Integer>> list = new ArrayList<>(entries.entrySet());
    Map<String, Integer> forward = new LinkedHashMap<>();
    list.forEach(e -> forward.put(e.getKey(), e.getValue()));
    Collections.reverse(list);
    Map<String, Integer> backward = new LinkedHashMap<>();
    list.forEach(e -> backward.put(e.getKey(), e.getValue()));
    assertThat(hash(forward)).isEqualTo(hash(backward)).isEqualTo(hash(new TreeMap<>(entries)));
    assertThat(hash(new HashMap<>(forward))).isEqualTo(hash(forward));

    Set<String> keysForward = new LinkedHashSet<>(forward.keySet());
    Set<String> keysBackward = new LinkedHashSet<>(backward.keySet());
    Set<String> hashed = new HashSet<>(64);
    hashed.addAll(keysBackward);
    assertThat(hash(keysForward)).isEqualTo(hash(keysBackward)).isEqualTo(hash(hashed));
    assertThat(hash(Set.copyOf(keysForward))).isEqualTo(hash(keysForward));
  }

  @Property
  void recordsGiveEqualKeysWhenTheirMapsAndSetsWereBuiltInAnyOrder(
      @ForAll @Size(max = 10) Map<String, Integer> entries) throws Exception {
    List<Map.Entry<String, Integer>> list = new ArrayList<>(entries.entrySet());
    Map<String, Integer> forward = new LinkedHashMap<>();
    list.forEach(e -> forward.put(e.getKey(), e.getValue()));
    Collections.reverse(list);
    Map<String, Integer> backward = new LinkedHashMap<>();
    list.forEach(e -> backward.put(e.getKey(), e.getValue()));
    assertThat(hash(new Box(forward, new LinkedHashSet<>(forward.keySet()), Color.RED)))
        .isEqualTo(hash(new Box(backward, new LinkedHashSet<>(backward.keySet()), Color.RED)));
  }

  record Box(Map<String, Integer> counts, Set<String> names, Color color) {}

  enum Color {
    RED,
    GREEN
  }

  @Property
  void differentValuesGiveDifferentKeys(@ForAll("values") Object a, @ForAll("values") Object b)
      throws Exception {
    Assume.that(!java.util.Objects.equals(a, b));
    assertThat(hash(a)).isNotEqualTo(hash(b));
  }

  @Property
  void differentInputsGiveDifferentTaskKeys(@ForAll("values") Object a, @ForAll("values") Object b)
      throws Exception {
    Assume.that(!java.util.Objects.equals(a, b));
    CachePolicy inputs = CachePolicy.inputs();
    assertThat(key(inputs, List.of("x"), Collections.singletonList(a)).value())
        .isNotEqualTo(key(inputs, List.of("x"), Collections.singletonList(b)).value());
  }

  @Property
  void anIntegralNumberHasOneKeyWhateverItsType(
      @ForAll @IntRange(min = -100000, max = 100000) int n) throws Exception {
    String expected = hash(n);
    assertThat(hash((long) n)).isEqualTo(expected);
    assertThat(hash((double) n)).isEqualTo(expected);
    assertThat(hash((float) n)).isEqualTo(expected);
    assertThat(hash(BigDecimal.valueOf(n).setScale(3))).isEqualTo(expected);
    assertThat(hash(BigInteger.valueOf(n))).isEqualTo(expected);
    assertThat(hash((short) (n % 1000))).isEqualTo(hash((long) (n % 1000)));
    assertThat(hash(n + 0.5)).isNotEqualTo(expected);
  }

  @Property
  void aDecimalHasOneKeyAsFloatDoubleOrBigDecimal(
      @ForAll @IntRange(min = -99999, max = 99999) int thousandths) throws Exception {
    String text = BigDecimal.valueOf(thousandths, 3).toPlainString();
    String expected = hash(new BigDecimal(text));
    assertThat(hash(Double.parseDouble(text))).isEqualTo(expected);
    assertThat(hash(Float.parseFloat(text))).isEqualTo(expected);
  }
}
