/**
 * The Java client of the Sluice server's HTTP API ({@code /api/v1}), and the run store that records
 * through the server.
 *
 * <p>{@link dev.sluice.client.SluiceClient} calls every route of the API (docs/server.md). With the
 * setting {@code api.url} set, the engine opens {@link dev.sluice.client.RemoteStoreProvider}'s run
 * store instead of a local database: flow runs are recorded through the server, in batches, by one
 * sender thread, and kept in a journal on disk while the server is away ({@link
 * dev.sluice.client.ClientSettings} lists the settings). Everything else here is internal.
 */
@NullMarked
package dev.sluice.client;

import org.jspecify.annotations.NullMarked;
