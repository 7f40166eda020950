package dev.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.RunOwner;
import dev.sluice.wire.journal.Batch;
import dev.sluice.wire.journal.Journal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  @TempDir Path dir;

  private static Batch batch(long sequence, List<Object> records) {
    return new Batch("src", sequence, records, records.size());
  }

  @Test
  void batchesComeBackInTheOrderTheyWereWrittenWithTheirSourceAndSequence() throws Exception {
    UUID run = UUID.randomUUID();
    List<Object> records = TestRecords.run(run, 30);
    try (Journal journal = Journal.create(dir.resolve("a.journal"))) {
      journal.append(List.of(batch(1, records.subList(0, 10)), batch(2, records.subList(10, 20))));
      journal.append(List.of(batch(3, records.subList(20, records.size()))));
      List<Object> back = new ArrayList<>();
      List<Long> sequences = new ArrayList<>();
      while (journal.hasUntaken()) {
        Journal.Entry entry = journal.take();
        assertThat(entry.batch().source()).isEqualTo("src");
        sequences.add(entry.batch().sequence());
        back.addAll(entry.batch().records());
      }
      assertThat(sequences).containsExactly(1L, 2L, 3L);
      assertThat(TestRecords.json(back)).isEqualTo(TestRecords.json(records));
    }
  }

  @Test
  void anotherProcessReadsEveryLineBackAndIgnoresATornLastLine() throws Exception {
    UUID run = UUID.randomUUID();
    Path file = dir.resolve("b.journal");
    try (Journal journal = Journal.create(file)) {
      journal.append(
          List.of(batch(1, TestRecords.lines(run, 3)), batch(2, TestRecords.lines(run, 4))));
    }
    Files.writeString(file, "{\"source\":\"src\",\"seq", StandardOpenOption.APPEND);
    try (Journal journal = Journal.open(file)) {
      assertThat(journal.tornBytes()).isEqualTo(20);
      assertThat(journal.untakenBatches()).isEqualTo(2);
      assertThat(journal.take().batch().records()).hasSize(3);
      assertThat(journal.take().batch().records()).hasSize(4);
      assertThat(journal.hasUntaken()).isFalse();
    }
  }

  @Test
  void aLineThatIsNotABatchIsSkippedWithItsPlace() throws Exception {
    Path file = dir.resolve("c.journal");
    try (Journal journal = Journal.create(file)) {
      journal.append(List.of(batch(1, TestRecords.lines(UUID.randomUUID(), 2))));
    }
    Files.writeString(file, "not json\n", StandardOpenOption.APPEND);
    try (Journal journal = Journal.open(file)) {
      journal.take();
      assertThatThrownBy(journal::take)
          .isInstanceOf(Journal.CorruptEntry.class)
          .hasMessageContaining("byte ")
          .hasMessageContaining("is not a record batch");
      assertThat(journal.hasUntaken()).isFalse();
    }
  }

  @Test
  void compactingDropsTheLinesBeforeAnOffset() throws Exception {
    UUID run = UUID.randomUUID();
    Path file = dir.resolve("d.journal");
    try (Journal journal = Journal.create(file)) {
      journal.append(
          List.of(
              batch(1, TestRecords.lines(run, 2)),
              batch(2, TestRecords.lines(run, 3)),
              batch(3, TestRecords.lines(run, 4))));
      journal.take();
      long second = journal.take().offset();
      journal.compactFrom(second);
      assertThat(journal.untakenElements()).isEqualTo(4);
    }
    try (Journal journal = Journal.open(file)) {
      assertThat(journal.take().batch().sequence()).isEqualTo(2);
      assertThat(journal.take().batch().sequence()).isEqualTo(3);
      assertThat(journal.hasUntaken()).isFalse();
    }
  }

  @Test
  void clearingEmptiesTheFile() throws Exception {
    Path file = dir.resolve("e.journal");
    try (Journal journal = Journal.create(file)) {
      journal.append(List.of(batch(1, TestRecords.lines(UUID.randomUUID(), 2))));
      journal.take();
      journal.clear();
      assertThat(journal.isEmpty()).isTrue();
      assertThat(Files.size(file)).isZero();
      journal.append(List.of(batch(2, TestRecords.lines(UUID.randomUUID(), 1))));
      assertThat(journal.take().batch().sequence()).isEqualTo(2);
    }
  }

  @Test
  void indentedParametersAreWrittenOnOneLine() throws Exception {
    UUID run = UUID.randomUUID();
    FlowRunStart start =
        new FlowRunStart(
            run,
            TestRecords.FLOW,
            "{\n  \"n\" : 1\n}",
            null,
            null,
            TestRecords.T0,
            RunOwner.current(),
            null,
            Set.of(),
            null);
    byte[] line = Journal.encode(batch(1, List.of(start)));
    String text = new String(line, StandardCharsets.UTF_8);
    assertThat(text.indexOf('\n')).isEqualTo(text.length() - 1);
    assertThat(text).contains("\"parameters\":{\"n\":1}");
  }
}
