package dev.balanced.benchmarks;

import java.util.List;

/**
 * Which variant an iteration measures. All variants live in the same JVM and take turns, warm-up
 * included: they share the JIT's and the machine's good and bad moments, so their ratio is not at
 * the mercy of which fork landed on a slow minute or a slow compilation.
 *
 * <p>The iterations run in rounds of {@code 2n} for {@code n} variants: the variants in order, then
 * in reverse (A B B A for two, A B C C B A for three). Every variant runs twice a round, once in
 * each half, so a steady drift (the machine getting slower, a table growing) does not always land
 * on the variant that runs last. For two variants, iterations {@code 2k} and {@code 2k + 1} are a
 * pair with one of each, and the pairs alternate which variant goes first.
 *
 * @param <T> what a variant is: a {@link HibernateVariant}, a data source
 */
final class Turns<T> {
  static final String BASELINE = "baseline";
  static final String BALANCED = "balanced";

  private final List<T> variants;
  private int iteration;

  Turns(T baseline, T balanced) {
    this(List.of(baseline, balanced));
  }

  Turns(List<T> variants) {
    this.variants = List.copyOf(variants);
  }

  /** The variant of the iteration about to start; call once per iteration. */
  T next() {
    return variants.get(variantOf(iteration++, variants.size()));
  }

  /** With two variants, baseline and Balanced: the variant of iteration {@code index}. */
  static String of(int index) {
    return variantOf(index, 2) == 0 ? BASELINE : BALANCED;
  }

  /**
   * The position, in the list of {@code count} variants, of the one iteration {@code index} runs,
   * counting from 0 with the warm-up iterations.
   */
  static int variantOf(int index, int count) {
    int phase = index % (2 * count);
    return phase < count ? phase : 2 * count - 1 - phase;
  }

  /** The round iteration {@code index} belongs to; each round runs every variant twice. */
  static int roundOf(int index, int count) {
    return index / (2 * count);
  }

  /** Whether iteration {@code index} ends a pair that began with iteration {@code index - 1}. */
  static boolean endsPair(int index) {
    return index % 2 == 1;
  }
}
