/**
 * Helpers shared by Sluice's own modules — <b>internal, not a supported API</b>: they may change or
 * disappear in any release without notice.
 */
@NullMarked
package dev.sluice.api.internal;

import org.jspecify.annotations.NullMarked;
