package dev.sluice.wire;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.State;
import dev.sluice.api.store.FlowRunDetail;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.RecordedException;
import dev.sluice.api.store.StateRecord;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

/** What {@link Mappers#API} adds to the base: states, errors and recorded parameters. */
final class ApiModule {
  private ApiModule() {}

  static SimpleModule module() {
    SimpleModule module = new SimpleModule("sluice-api");
    module.addSerializer(State.class, new StateSerializer());
    module.addDeserializer(State.class, new StateDeserializer());
    module.addSerializer(Instant.class, new IsoInstants());
    module.setMixInAnnotation(FlowRunStart.class, ParametersMixin.class);
    module.setMixInAnnotation(FlowRunDetail.class, ParametersMixin.class);
    module.setMixInAnnotation(StateRecord.class, StateRecordMixin.class);
    return module;
  }

  /** Recorded parameters: a JSON object in the document, text in the record. */
  abstract static class ParametersMixin {
    @JsonProperty("parameters")
    @JsonRawValue
    @JsonDeserialize(using = RawJson.class)
    abstract String parametersJson();
  }

  abstract static class StateRecordMixin {
    @JsonIgnore
    abstract boolean isFinal();
  }

  /** Reads any JSON value as its compact text. */
  static final class RawJson extends JsonDeserializer<String> {
    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonNode tree = ctxt.readTree(p);
      return tree.toString();
    }
  }

  static final class StateSerializer extends JsonSerializer<State> {
    @Override
    public void serialize(State state, JsonGenerator g, SerializerProvider provider)
        throws IOException {
      g.writeStartObject();
      g.writeStringField("name", state.name());
      g.writeStringField("type", state.type().name());
      switch (state) {
        case State.Scheduled s -> {
          if (s.at() != null) {
            g.writeStringField("at", s.at().toString());
          }
        }
        case State.Late s -> g.writeStringField("dueAt", s.dueAt().toString());
        case State.AwaitingRetry s -> {
          g.writeStringField("retryAt", s.retryAt().toString());
          g.writeNumberField("nextAttempt", s.nextAttempt());
        }
        case State.AwaitingConcurrencySlot s -> {
          g.writeArrayFieldStart("tags");
          for (String tag : s.tags()) {
            g.writeString(tag);
          }
          g.writeEndArray();
        }
        case State.NotReady s -> g.writeStringField("upstream", s.upstream());
        case State.Cached s -> {
          g.writeStringField("key", s.key());
          g.writeStringField("source", s.source());
        }
        case State.Skipped s -> g.writeStringField("reason", s.reason());
        case State.Failed s -> writeError(g, s.error());
        case State.TimedOut s -> g.writeStringField("timeout", s.timeout().toString());
        case State.Crashed s -> writeError(g, s.error());
        case State.Cancelled s -> g.writeStringField("reason", s.reason());
        case State.Pending s -> {}
        case State.Running s -> {}
        case State.Retrying s -> {}
        case State.Completed s -> {}
        case State.Cancelling s -> {}
      }
      g.writeEndObject();
    }

    private static void writeError(JsonGenerator g, Throwable error) throws IOException {
      g.writeObjectFieldStart("error");
      g.writeStringField("type", RecordedException.typeOf(error));
      g.writeStringField("message", RecordedException.messageOf(error));
      g.writeStringField("stackTrace", RecordedException.stackTraceOf(error));
      g.writeEndObject();
    }
  }

  static final class StateDeserializer extends JsonDeserializer<State> {
    @Override
    public State deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        return (State) ctxt.handleUnexpectedToken(State.class, p);
      }
      ObjectNode o = (ObjectNode) ctxt.readTree(p);
      String name = text(o, "name", ctxt);
      try {
        return switch (name) {
          case "Scheduled" ->
              new State.Scheduled(o.hasNonNull("at") ? Instant.parse(o.get("at").asText()) : null);
          case "Late" -> new State.Late(Instant.parse(text(o, "dueAt", ctxt)));
          case "AwaitingRetry" ->
              new State.AwaitingRetry(
                  Instant.parse(text(o, "retryAt", ctxt)), o.path("nextAttempt").asInt());
          case "AwaitingConcurrencySlot" -> {
            Set<String> tags = new LinkedHashSet<>();
            o.path("tags").forEach(t -> tags.add(t.asText()));
            yield new State.AwaitingConcurrencySlot(tags);
          }
          case "Pending" -> State.PENDING;
          case "NotReady" -> new State.NotReady(text(o, "upstream", ctxt));
          case "Running" -> State.RUNNING;
          case "Retrying" -> State.RETRYING;
          case "Completed" -> State.COMPLETED;
          case "Cached" -> new State.Cached(text(o, "key", ctxt), text(o, "source", ctxt));
          case "Skipped" -> new State.Skipped(text(o, "reason", ctxt));
          case "Failed" -> new State.Failed(error(o, ctxt));
          case "TimedOut" -> new State.TimedOut(Duration.parse(text(o, "timeout", ctxt)));
          case "Crashed" -> new State.Crashed(error(o, ctxt));
          case "Cancelled" -> new State.Cancelled(text(o, "reason", ctxt));
          case "Cancelling" -> State.CANCELLING;
          default ->
              throw ctxt.weirdStringException(
                  name,
                  State.class,
                  "not a state name (Scheduled, Late, AwaitingRetry, AwaitingConcurrencySlot,"
                      + " Pending, NotReady, Running, Retrying, Completed, Cached, Skipped, Failed,"
                      + " TimedOut, Crashed, Cancelled, Cancelling)");
        };
      } catch (java.time.format.DateTimeParseException e) {
        throw ctxt.weirdStringException(e.getParsedString(), State.class, e.getMessage());
      }
    }

    private static RecordedException error(ObjectNode o, DeserializationContext ctxt)
        throws IOException {
      JsonNode e = o.get("error");
      if (e == null || !e.isObject()) {
        throw ctxt.instantiationException(
            State.class, "a " + o.path("name").asText() + " state needs its error object");
      }
      return new RecordedException(
          e.path("type").asText(""), e.path("message").asText(""), e.path("stackTrace").asText(""));
    }

    private static String text(ObjectNode o, String field, DeserializationContext ctxt)
        throws IOException {
      JsonNode value = o.get(field);
      if (value == null || !value.isTextual()) {
        throw ctxt.instantiationException(
            State.class, "a state needs the text field '" + field + "'");
      }
      return value.asText();
    }
  }
}
