/**
 * The run store: Sluice's run history in SQLite (default, {@code $SLUICE_HOME/sluice.db}) or
 * PostgreSQL. Everything here is internal; use it through {@link dev.sluice.api.store.RunStores}.
 */
@NullMarked
package dev.sluice.store;

import org.jspecify.annotations.NullMarked;
