package dev.sluice.store;

import dev.sluice.api.State;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.store.RecordedException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What a batch's events say about one task run, written with one upsert ({@link
 * Statements#taskUpsert}): its latest state, attempts, start time, error and cache key.
 */
final class TaskRow {
  final UUID id;
  final UUID flowRunId;
  final String name;
  final String stepName;
  final @Nullable Integer mapIndex;
  final Instant created;
  State state = State.PENDING;
  Instant stateAt;
  int attempts;
  @Nullable Instant startTime;
  @Nullable Throwable error;
  @Nullable String cacheKey;
  boolean errorCleared;

  TaskRow(
      UUID id,
      UUID flowRunId,
      String name,
      String stepName,
      @Nullable Integer mapIndex,
      Instant created) {
    this.id = id;
    this.flowRunId = flowRunId;
    this.name = name;
    this.stepName = stepName;
    this.mapIndex = mapIndex;
    this.created = created;
    this.stateAt = created;
  }

  void apply(TaskRunEvent event) {
    State next = event.state();
    state = next;
    stateAt = event.at();
    attempts = Math.max(attempts, event.attempt());
    if (event.cacheKey() != null) {
      cacheKey = event.cacheKey();
    }
    switch (next) {
      case State.Running r -> startTime = startTime == null ? event.at() : startTime;
      case State.Retrying r -> startTime = startTime == null ? event.at() : startTime;
      case State.Failed f -> error = f.error();
      case State.Crashed c -> error = c.error();
      case State.Cached c -> cacheKey = c.key();
      case State.Pending p -> {
        error = null;
        errorCleared = true;
      }
      default -> {}
    }
  }

  void bind(PreparedStatement upsert) throws SQLException {
    int i = 1;
    upsert.setString(i++, id.toString());
    upsert.setString(i++, flowRunId.toString());
    upsert.setString(i++, name);
    upsert.setString(i++, stepName);
    if (mapIndex == null) {
      upsert.setNull(i++, Types.INTEGER);
    } else {
      upsert.setInt(i++, mapIndex);
    }
    upsert.setString(i++, state.type().name());
    upsert.setString(i++, state.name());
    upsert.setString(i++, state.message());
    upsert.setLong(i++, Micros.of(stateAt));
    boolean isFinal = state.isFinal();
    upsert.setInt(i++, isFinal ? 1 : 0);
    upsert.setInt(i++, attempts);
    upsert.setLong(i++, Micros.of(created));
    Long start = Micros.ofNullable(startTime);
    if (start == null) {
      upsert.setNull(i++, Types.BIGINT);
    } else {
      upsert.setLong(i++, start);
    }
    if (isFinal) {
      upsert.setLong(i++, Micros.of(stateAt));
    } else {
      upsert.setNull(i++, Types.BIGINT);
    }
    Throwable e = error;
    if (e == null) {
      upsert.setNull(i++, Types.VARCHAR);
      upsert.setNull(i++, Types.VARCHAR);
      upsert.setNull(i++, Types.VARCHAR);
    } else {
      // An error that travelled from another process is stored as its original.
      upsert.setString(i++, RecordedException.typeOf(e));
      upsert.setString(i++, RecordedException.messageOf(e));
      upsert.setString(i++, RecordedException.stackTraceOf(e));
    }
    if (cacheKey == null) {
      upsert.setNull(i++, Types.VARCHAR);
    } else {
      upsert.setString(i++, cacheKey);
    }
    for (int column = 0; column < 3; column++) {
      upsert.setInt(i++, errorCleared ? 1 : 0);
    }
  }
}
