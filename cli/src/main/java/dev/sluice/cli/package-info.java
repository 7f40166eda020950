/**
 * The {@code sluice} command: reads the run history that Sluice records (flows, flow runs, task
 * runs, log lines) and views or edits the configuration. Start it with {@link
 * dev.sluice.cli.SluiceCli#main}; everything else here is package-private.
 */
@NullMarked
package dev.sluice.cli;

import org.jspecify.annotations.NullMarked;
