package dev.sluice.api.store;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of a flow-run listing ({@link RunHistory#flowRunPage}), newest first.
 *
 * <p>Pages are cut by keyset — a run's start time, then its id — not by offset, so paging stays
 * correct while runs are added: every run that existed when the first page was read appears on
 * exactly one page, and runs added meanwhile (newer, so before the cursor) do not shift the rest.
 *
 * @param items the runs of this page, at most the query's limit
 * @param nextCursor where the next page starts ({@link FlowRunQuery#withCursor}); null when this
 *     page is the last. Opaque: pass it back as it is.
 */
public record FlowRunPage(List<FlowRunSummary> items, @Nullable String nextCursor) {
  public FlowRunPage {
    items = List.copyOf(items);
  }
}
