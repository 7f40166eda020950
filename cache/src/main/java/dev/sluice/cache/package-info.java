/**
 * Content-hash task caching: SHA-256 keys over canonical inputs and code, an in-memory tier
 * (Caffeine) and a disk tier. Everything here is an implementation of {@link
 * dev.sluice.api.cache.TaskCache}, found by the engine through {@link java.util.ServiceLoader}; no
 * type of this package is public API.
 */
@NullMarked
package dev.sluice.cache;

import org.jspecify.annotations.NullMarked;
