/**
 * The journal of run records waiting to be stored: an append-only file of record batches ({@link
 * dev.sluice.wire.journal.Journal}, each line the body of {@code POST /api/v1/records}) in a
 * directory that says which process wrote each file and for which store ({@link
 * dev.sluice.wire.journal.JournalDir}). Shared by the two writers that must keep records they
 * cannot store yet: the client's sender (the server is away) and the run store's writer (the disk
 * is full, the database unreachable or corrupt). For Sluice's own modules, not a supported API.
 */
@NullMarked
package dev.sluice.wire.journal;

import org.jspecify.annotations.NullMarked;
