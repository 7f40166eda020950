package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class RunOptionsTest {
  @Test
  void noneHasNothingSet() {
    RunOptions none = RunOptions.none();
    assertThat(none.id()).isNull();
    assertThat(none.name()).isNull();
    assertThat(none.tags()).isEmpty();
    assertThat(none.idempotencyKey()).isNull();
  }

  @Test
  void withersReturnNewOptionsAndKeepTagsInOrderWithoutDuplicates() {
    UUID id = UUID.randomUUID();
    RunOptions options =
        RunOptions.none().withId(id).withTags("b", "a").withTags("b", "c").withName("n");
    assertThat(options.id()).isEqualTo(id);
    assertThat(options.tags()).containsExactly("b", "a", "c");
    assertThat(options.name()).isEqualTo("n");
    assertThat(RunOptions.none().tags()).isEmpty();
  }

  @Test
  void everyBadNameTagAndKeyIsReportedAtOnce() {
    assertThatThrownBy(
            () ->
                new RunOptions(
                    null,
                    "line\nbreak",
                    java.util.Set.of(" "),
                    "k".repeat(RunOptions.MAX_LENGTH + 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 problems")
        .hasMessageContaining("the run name 'line\\u000abreak' contains a control character")
        .hasMessageContaining("the tag is blank")
        .hasMessageContaining("the idempotency key 'kkkkkkkkkkkkkkkkkkkk…' has 201 characters");
  }
}
