package dev.balanced.benchmarks;

/**
 * Which variant an iteration measures. Both variants live in the same JVM and take turns, one
 * iteration each, warm-up included: they share the JIT's and the machine's good and bad moments, so
 * their ratio is not at the mercy of which fork landed on a slow minute or a slow compilation.
 */
final class Turns {
  static final String BASELINE = "baseline";
  static final String BALANCED = "balanced";

  private int iteration;

  /** The variant of the iteration about to start; call once per iteration. */
  String next() {
    return of(iteration++);
  }

  /** The variant of iteration {@code index}, counting from 0 with the warm-up iterations. */
  static String of(int index) {
    return index % 2 == 0 ? BASELINE : BALANCED;
  }
}
