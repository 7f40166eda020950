package dev.sluice.cache;

/**
 * A cached result as the tiers keep it: its JSON encoding, the name of the class it was (used only
 * when the task's result type is unknown), and when it expires.
 *
 * @param payload the result's JSON
 * @param typeName the result's class name, {@code "null"} for a null result
 * @param expiresAtMillis epoch milliseconds after which it is a miss; {@link Long#MAX_VALUE} for
 *     never
 */
record Entry(byte[] payload, String typeName, long expiresAtMillis) {
  /** What the memory tier counts against its bound: payload plus a rough per-entry overhead. */
  int weight() {
    return payload.length + typeName.length() + 160;
  }

  boolean expired(long nowMillis) {
    return nowMillis >= expiresAtMillis;
  }
}
