/**
 * Run history in PostgreSQL: add {@code dev.sluice:sluice-store-postgres} beside {@code
 * sluice-store} and set {@code sluice.store} to a {@code jdbc:postgresql:} URL. This package only
 * registers the provider and brings the driver; the writer, reader, schema and dialect are {@code
 * sluice-store}'s (see {@link dev.sluice.store.JdbcRunStores} for why).
 */
@NullMarked
package dev.sluice.store.postgres;

import org.jspecify.annotations.NullMarked;
