/**
 * The one home for JSON in Sluice: the Jackson configuration every module shares and the views
 * derived from it ({@link dev.sluice.wire.Json}), the codec that carries values with their declared
 * types between processes ({@link dev.sluice.wire.ValueCodec}), and the loader of the {@link
 * dev.sluice.api.FlowProvider} entrypoints that processes rebuild flows from ({@link
 * dev.sluice.wire.Entrypoints}). Used by the engine, the cache, the executors that run tasks in
 * other processes and the {@code sluice} command; like the engine, it is for Sluice's own modules,
 * not a supported API. Nothing here ever enables Jackson's default typing: JSON never chooses the
 * Java class it becomes.
 */
@NullMarked
package dev.sluice.wire;

import org.jspecify.annotations.NullMarked;
