package dev.sluice.api;

import java.util.Map;

/**
 * A live view of the concurrency limits of one Sluice: per limited tag, its limit and the slots in
 * use now. Given to {@link RunListener#attached}.
 */
public interface ConcurrencySlots {
  /** The limit of each limited tag; fixed for the Sluice's life. */
  Map<String, Integer> limits();

  /** The slots in use right now per limited tag (attempts with that tag running). */
  Map<String, Integer> inUse();
}
