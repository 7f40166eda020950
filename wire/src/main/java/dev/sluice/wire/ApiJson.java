package dev.sluice.wire;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;

/**
 * The JSON of the server's HTTP API ({@code /api/v1}), for the server and its Java client alike, so
 * both sides encode the run records one way: the records of {@code dev.sluice.api.store} and the
 * events of {@code dev.sluice.api} as Jackson writes records (properties named as their
 * components), with
 *
 * <ul>
 *   <li>instants and durations as ISO-8601 text;
 *   <li>a {@link dev.sluice.api.State} as an object naming it ({@code {"name":"Failed","error":
 *       {...}}}) with its data, an error as its type, message and stack trace (read back as a
 *       {@link dev.sluice.api.store.RecordedException});
 *   <li>recorded parameters ({@code parametersJson}) as the JSON object they are, under {@code
 *       parameters};
 *   <li>a document with an unknown property, or anything after its value, refused.
 * </ul>
 *
 * <p>docs/server.md shows each resource's shape.
 */
public final class ApiJson {
  private static final ObjectReader READER = Mappers.API.reader();
  private static final ObjectWriter WRITER = Mappers.API.writer();

  private ApiJson() {}

  /** The API's reader; {@code reader().forType(type)} reads a document as {@code type}. */
  public static ObjectReader reader() {
    return READER;
  }

  /** The API's writer: compact. */
  public static ObjectWriter writer() {
    return WRITER;
  }
}
