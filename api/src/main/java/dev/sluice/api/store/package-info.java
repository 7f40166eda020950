/**
 * The run-store SPI: where run history is persisted and read back.
 *
 * <p>The write side, {@link dev.sluice.api.store.RunRecorder}, is fed by the engine: flow runs
 * starting, every state transition of flow runs and task runs, and captured log lines. It never
 * blocks the caller on disk. The read side, {@link dev.sluice.api.store.RunHistory}, answers the
 * queries of the {@code sluice} command and the dashboard with immutable records. Stores are opened
 * by location (an SQLite file path or a JDBC URL) with {@link dev.sluice.api.store.RunStores#open},
 * which finds a {@link dev.sluice.api.store.RunStoreProvider} through {@link
 * java.util.ServiceLoader} ({@code sluice-store} provides SQLite, {@code sluice-store-postgres}
 * PostgreSQL).
 */
@NullMarked
package dev.sluice.api.store;

import org.jspecify.annotations.NullMarked;
