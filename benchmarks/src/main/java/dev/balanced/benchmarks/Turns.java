package dev.balanced.benchmarks;

/**
 * Which variant an iteration measures. Both variants live in the same JVM and take turns, warm-up
 * included: they share the JIT's and the machine's good and bad moments, so their ratio is not at
 * the mercy of which fork landed on a slow minute or a slow compilation.
 *
 * <p>The order is baseline, Balanced, Balanced, baseline, repeated (ABBA). Iterations {@code 2k}
 * and {@code 2k + 1} are a pair with one of each, and the pairs alternate which variant goes first:
 * a steady drift (the machine getting slower, a table growing) does not always land on the variant
 * that runs second.
 *
 * @param <T> what a variant is: an entity manager factory, a data source
 */
final class Turns<T> {
  static final String BASELINE = "baseline";
  static final String BALANCED = "balanced";

  private final T baseline;
  private final T balanced;
  private int iteration;

  Turns(T baseline, T balanced) {
    this.baseline = baseline;
    this.balanced = balanced;
  }

  /** The variant of the iteration about to start; call once per iteration. */
  T next() {
    return BASELINE.equals(of(iteration++)) ? baseline : balanced;
  }

  /** The variant of iteration {@code index}, counting from 0 with the warm-up iterations. */
  static String of(int index) {
    int phase = index % 4;
    return phase == 0 || phase == 3 ? BASELINE : BALANCED;
  }

  /** Whether iteration {@code index} ends a pair that began with iteration {@code index - 1}. */
  static boolean endsPair(int index) {
    return index % 2 == 1;
  }
}
