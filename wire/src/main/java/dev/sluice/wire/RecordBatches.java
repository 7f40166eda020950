package dev.sluice.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.IngestBatch;
import dev.sluice.api.store.LogLine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /api/v1/records}, by which a process records its runs through the server:
 *
 * <pre>{@code
 * {"source": "4b1f...", "sequence": 17,
 *  "records": [{"kind": "flowRunStarted", "record": {...}},
 *              {"kind": "flowRunState", "record": {...}},
 *              {"kind": "taskRunState", "record": {...}},
 *              {"kind": "log", "record": {...}}],
 *  "active": ["0193...", ...]}
 * }</pre>
 *
 * Each record is the {@link ApiJson} form of a {@link FlowRunStart}, {@link FlowRunEvent}, {@link
 * TaskRunEvent} or {@link LogLine}. {@code active} lists the unfinished flow runs the sender is
 * recording, so the answer can name those whose cancel was requested. A body with sequence 0 and no
 * records stores nothing: it only asks that question.
 */
public final class RecordBatches {
  private static final Map<Class<?>, String> KINDS =
      Map.of(
          FlowRunStart.class, "flowRunStarted",
          FlowRunEvent.class, "flowRunState",
          TaskRunEvent.class, "taskRunState",
          LogLine.class, "log");
  private static final ObjectWriter WRITER = ApiJson.writer();
  private static final ObjectReader READER = ApiJson.reader();
  // A record is read in the middle of the body: what follows it is the rest of the body.
  private static final ObjectReader NESTED =
      READER.without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private RecordBatches() {}

  /**
   * A decoded body.
   *
   * @param batch the records to store; null for a body that only asks about cancel requests
   * @param active the sender's unfinished flow runs
   */
  public record Decoded(@Nullable IngestBatch batch, List<UUID> active) {
    public Decoded {
      active = List.copyOf(active);
    }
  }

  /** Writes a body: {@code records} as the batch {@code sequence} of {@code source}. */
  public static void write(
      OutputStream out, String source, long sequence, List<?> records, Collection<UUID> active)
      throws IOException {
    try (JsonGenerator g = WRITER.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("source", source);
      g.writeNumberField("sequence", sequence);
      g.writeArrayFieldStart("records");
      for (Object record : records) {
        String kind = KINDS.get(record.getClass());
        if (kind == null) {
          throw new IllegalArgumentException("not a run record: " + record.getClass().getName());
        }
        g.writeStartObject();
        g.writeStringField("kind", kind);
        g.writeFieldName("record");
        WRITER.writeValue(g, record);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("active");
      for (UUID id : active) {
        g.writeString(id.toString());
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }

  /**
   * Reads a body.
   *
   * @throws JsonMappingException naming the field (e.g. {@code records[3].record.state}) when the
   *     body is not a record batch
   * @throws IllegalArgumentException when the batch's source or sequence is out of range
   */
  public static Decoded read(InputStream in) throws IOException {
    try (JsonParser p = READER.createParser(in)) {
      expect(p, p.nextToken(), JsonToken.START_OBJECT, "a record batch object");
      String source = null;
      long sequence = -1;
      List<Object> records = new ArrayList<>();
      List<UUID> active = new ArrayList<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "source" -> {
            expect(p, value, JsonToken.VALUE_STRING, "source: text");
            source = p.getText();
          }
          case "sequence" -> {
            expect(p, value, JsonToken.VALUE_NUMBER_INT, "sequence: a whole number");
            sequence = p.getLongValue();
          }
          case "records" -> {
            expect(p, value, JsonToken.START_ARRAY, "records: an array");
            while (p.nextToken() != JsonToken.END_ARRAY) {
              records.add(readRecord(p, records.size()));
            }
          }
          case "active" -> {
            expect(p, value, JsonToken.START_ARRAY, "active: an array of flow-run ids");
            while (p.nextToken() != JsonToken.END_ARRAY) {
              expect(p, p.currentToken(), JsonToken.VALUE_STRING, "active: flow-run ids");
              active.add(uuid(p, p.getText(), "active"));
            }
          }
          default ->
              throw JsonMappingException.from(
                  p,
                  "unknown field '"
                      + field
                      + "' in a record batch (known: source, sequence, records, active)");
        }
      }
      if (p.nextToken() != null) {
        throw JsonMappingException.from(p, "nothing may follow the record batch object");
      }
      if (source == null || sequence < 0) {
        throw JsonMappingException.from(p, "a record batch needs its source and sequence");
      }
      if (sequence == 0) {
        if (!records.isEmpty()) {
          throw new IllegalArgumentException(
              "a record batch with records needs a sequence >= 1 (0 only asks about cancels)");
        }
        return new Decoded(null, active);
      }
      return new Decoded(new IngestBatch(source, sequence, records), active);
    }
  }

  private static Object readRecord(JsonParser p, int index) throws IOException {
    String where = "records[" + index + "]";
    expect(p, p.currentToken(), JsonToken.START_OBJECT, where + ": an object");
    String kind = null;
    Object record = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "kind" -> {
          expect(p, p.currentToken(), JsonToken.VALUE_STRING, where + ".kind: text");
          kind = p.getText();
        }
        case "record" -> {
          if (kind == null) {
            throw JsonMappingException.from(p, where + ": 'kind' must come before 'record'");
          }
          Class<?> type = typeOf(p, kind, where);
          record = NESTED.forType(type).readValue(p);
        }
        default ->
            throw JsonMappingException.from(
                p, "unknown field '" + field + "' in " + where + " (known: kind, record)");
      }
    }
    if (record == null) {
      throw JsonMappingException.from(p, where + " needs its kind and record");
    }
    return record;
  }

  private static Class<?> typeOf(JsonParser p, String kind, String where)
      throws JsonMappingException {
    for (Map.Entry<Class<?>, String> e : KINDS.entrySet()) {
      if (e.getValue().equals(kind)) {
        return e.getKey();
      }
    }
    throw JsonMappingException.from(
        p,
        where
            + ".kind '"
            + kind
            + "' is not a record kind (flowRunStarted, flowRunState, taskRunState, log)");
  }

  private static UUID uuid(JsonParser p, String text, String field) throws JsonMappingException {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw JsonMappingException.from(p, field + ": '" + text + "' is not a flow-run id");
    }
  }

  private static void expect(JsonParser p, @Nullable JsonToken token, JsonToken wanted, String what)
      throws JsonMappingException {
    if (token != wanted) {
      throw JsonMappingException.from(p, "expected " + what);
    }
  }
}
