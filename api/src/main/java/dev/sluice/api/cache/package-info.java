/**
 * The cache-store SPI: how the engine computes cache keys and reads and writes cached task results.
 * The {@code sluice-cache} module implements it; the engine finds a {@link
 * dev.sluice.api.cache.CacheProvider} with {@link java.util.ServiceLoader}.
 */
@NullMarked
package dev.sluice.api.cache;

import org.jspecify.annotations.NullMarked;
