package dev.sluice.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * A DAG of {@code size} nodes numbered in topological order, as each node's upstream ids. The one
 * shape generator every benchmark and subject uses.
 *
 * @param shape the shape's name
 * @param upstreams per node, the ids of its upstreams (all smaller than the node's own id)
 */
public record Dag(String shape, int[][] upstreams) {

  int size() {
    return upstreams.length;
  }

  int edges() {
    int edges = 0;
    for (int[] ups : upstreams) {
      edges += ups.length;
    }
    return edges;
  }

  /** Per node, the ids of its downstreams. */
  int[][] downstreams() {
    int[] count = new int[size()];
    for (int[] ups : upstreams) {
      for (int u : ups) {
        count[u]++;
      }
    }
    int[][] down = new int[size()][];
    for (int i = 0; i < size(); i++) {
      down[i] = new int[count[i]];
    }
    int[] fill = new int[size()];
    for (int i = 0; i < size(); i++) {
      for (int u : upstreams[i]) {
        down[u][fill[u]++] = i;
      }
    }
    return down;
  }

  /** Nodes nothing depends on. */
  int[] sinks() {
    int[][] down = downstreams();
    List<Integer> sinks = new ArrayList<>();
    for (int i = 0; i < size(); i++) {
      if (down[i].length == 0) {
        sinks.add(i);
      }
    }
    return sinks.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The standard shapes. */
  public enum Shape {
    /** A linear chain: node i after node i-1. */
    CHAIN,
    /** Fan-out/fan-in, 1 → W → 1. */
    FAN,
    /** A binary out-tree: node i after node (i-1)/2. */
    TREE,
    /** A wavefront grid: cell (i,j) after (i-1,j) and (i,j-1); side √n. */
    GRID,
    /** Layers of √n nodes, each node after 1–5 random nodes of the layer above (seed 42). */
    LAYERED;

    Dag of(int n) {
      int[][] ups =
          switch (this) {
            case CHAIN -> chain(n);
            case FAN -> fan(n);
            case TREE -> tree(n);
            case GRID -> grid(n);
            case LAYERED -> layered(n);
          };
      return new Dag(name().toLowerCase(java.util.Locale.ROOT), ups);
    }
  }

  private static int[][] chain(int n) {
    int[][] ups = new int[n][];
    ups[0] = new int[0];
    for (int i = 1; i < n; i++) {
      ups[i] = new int[] {i - 1};
    }
    return ups;
  }

  private static int[][] fan(int n) {
    int[][] ups = new int[n][];
    ups[0] = new int[0];
    int[] middle = new int[n - 2];
    for (int i = 1; i < n - 1; i++) {
      ups[i] = new int[] {0};
      middle[i - 1] = i;
    }
    ups[n - 1] = middle;
    return ups;
  }

  private static int[][] tree(int n) {
    int[][] ups = new int[n][];
    ups[0] = new int[0];
    for (int i = 1; i < n; i++) {
      ups[i] = new int[] {(i - 1) / 2};
    }
    return ups;
  }

  private static int[][] grid(int n) {
    int side = (int) Math.round(Math.sqrt(n));
    int[][] ups = new int[side * side][];
    for (int r = 0; r < side; r++) {
      for (int c = 0; c < side; c++) {
        int id = r * side + c;
        if (r == 0 && c == 0) {
          ups[id] = new int[0];
        } else if (r == 0) {
          ups[id] = new int[] {id - 1};
        } else if (c == 0) {
          ups[id] = new int[] {id - side};
        } else {
          ups[id] = new int[] {id - side, id - 1};
        }
      }
    }
    return ups;
  }

  private static int[][] layered(int n) {
    java.util.Random random = new java.util.Random(42);
    int width = Math.max(1, (int) Math.round(Math.sqrt(n)));
    int[][] ups = new int[n][];
    for (int i = 0; i < n; i++) {
      int layer = i / width;
      if (layer == 0) {
        ups[i] = new int[0];
        continue;
      }
      int from = (layer - 1) * width;
      int count = 1 + random.nextInt(5);
      java.util.Set<Integer> chosen = new java.util.TreeSet<>();
      while (chosen.size() < Math.min(count, width)) {
        chosen.add(from + random.nextInt(width));
      }
      ups[i] = chosen.stream().mapToInt(Integer::intValue).toArray();
    }
    return ups;
  }
}
