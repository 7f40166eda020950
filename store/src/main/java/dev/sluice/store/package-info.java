/**
 * The run store: Sluice's run history in SQLite (default, {@code $SLUICE_HOME/sluice.db}) or
 * PostgreSQL (with {@code sluice-store-postgres}). Everything here is internal but {@link
 * JdbcRunStores}, the hook of {@code sluice-store-postgres}; use stores through {@link
 * dev.sluice.api.store.RunStores}.
 */
@NullMarked
package dev.sluice.store;

import org.jspecify.annotations.NullMarked;
