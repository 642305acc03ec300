package dev.balanced.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.util.ListStatistics;

/**
 * The table of a benchmark whose variants take {@link Turns} in rounds: per case and variant, the
 * time per operation, the ratio to the first variant (the baseline), Balanced's ratio to it
 * (Balanced is the second variant), and the allocation per operation.
 *
 * <p>Ratios are taken round by round: within a round, each variant ran twice, once in each half,
 * and the ratio of two variants is that of the geometric means of their two iterations. That
 * cancels what the round's iterations shared (the machine's slow minute), as the pairs of {@link
 * OverheadBenchmarks} do. The table's ratio is the geometric mean over all complete measured rounds
 * of all forks, with the 99.9% confidence half-width of JMH's statistics on the log ratios.
 */
final class RotationTable {
  private static final String ALLOCATION = "gc.alloc.rate.norm";

  private RotationTable() {}

  /**
   * @param cases benchmark name ({@code class.method}) to its label, in table order
   * @param variants the variants' labels in {@link Turns}' order, of a run's parameters
   * @param qualifier what a run's parameters add to its case's label
   */
  static String table(
      String title,
      Map<String, String> cases,
      Function<BenchmarkParams, List<String>> variants,
      Function<BenchmarkParams, String> qualifier,
      Collection<RunResult> results) {
    Map<String, List<RunResult>> byCase = new LinkedHashMap<>();
    results.forEach(
        r -> byCase.computeIfAbsent(r.getParams().getBenchmark(), k -> new ArrayList<>()).add(r));
    List<String> rows = new ArrayList<>();
    rows.add(title + " (JMH, " + OverheadBenchmarks.describeRun(results, "in rounds") + ")");
    rows.add("Machine: " + Machine.describe());
    rows.add("");
    rows.add("| case | variant | us/op | ratio to the first | Balanced/this | alloc B/op |");
    rows.add("|---|---|---:|---:|---:|---:|");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      for (RunResult result : byCase.getOrDefault(c.getKey(), List.of())) {
        rows(rows, c.getValue() + qualifier.apply(result.getParams()), variants, result);
      }
    }
    List<String> notShown = new ArrayList<>(byCase.keySet());
    notShown.removeAll(cases.keySet());
    if (!notShown.isEmpty()) {
      rows.add("");
      rows.add("Run but not in this table (it has rows for the cases above only): " + notShown);
    }
    rows.add("");
    rows.add(
        "Times: mean ± JMH's 99.9% confidence half-width over the variant's measured iterations."
            + " Ratios: geometric mean over complete rounds (each variant twice, ABC…CBA) of the"
            + " ratio of the two variants' geometric means in the round, ± the 99.9% confidence"
            + " half-width.");
    return String.join(System.lineSeparator(), rows);
  }

  private static void rows(
      List<String> rows,
      String label,
      Function<BenchmarkParams, List<String>> variants,
      RunResult result) {
    List<String> labels = variants.apply(result.getParams());
    Rounds rounds = new Rounds(labels.size(), result.getBenchmarkResults());
    for (int v = 0; v < labels.size(); v++) {
      rows.add(
          "| "
              + label
              + " | "
              + labels.get(v)
              + " | "
              + OverheadBenchmarks.scored(
                  rounds.times.get(v).getMean(), rounds.times.get(v).getMeanErrorAt(0.999))
              + " | "
              + (v == 0 ? "1" : ratio(rounds.logRatios(v, 0)))
              + " | "
              + (v == 1 ? "1" : ratio(rounds.logRatios(1, v)))
              + " | "
              + OverheadBenchmarks.bytes(rounds.allocations.get(v))
              + " |");
    }
  }

  private static String ratio(ListStatistics logRatios) {
    if (logRatios.getN() == 0) {
      return "n/a";
    }
    return OverheadBenchmarks.scored(
        OverheadBenchmarks.geometricMean(logRatios),
        OverheadBenchmarks.geometricMeanError(logRatios));
  }

  /** The measured iterations of every fork, by variant and by round. */
  private static final class Rounds {
    final List<ListStatistics> times = new ArrayList<>();
    final List<ListStatistics> allocations = new ArrayList<>();

    /** Per complete round: the mean log time of each variant. */
    private final List<double[]> roundMeans = new ArrayList<>();

    Rounds(int count, Collection<BenchmarkResult> forks) {
      for (int v = 0; v < count; v++) {
        times.add(new ListStatistics());
        allocations.add(new ListStatistics());
      }
      for (BenchmarkResult fork : forks) {
        int index = fork.getParams().getWarmup().getCount();
        Map<Integer, double[]> logSums = new LinkedHashMap<>();
        Map<Integer, int[]> seen = new LinkedHashMap<>();
        for (IterationResult iteration : fork.getIterationResults()) {
          int v = Turns.variantOf(index, count);
          int round = Turns.roundOf(index, count);
          double score = iteration.getPrimaryResult().getScore();
          times.get(v).addValue(score);
          Result<?> alloc = iteration.getSecondaryResults().get(ALLOCATION);
          if (alloc != null) {
            allocations.get(v).addValue(alloc.getScore());
          }
          logSums.computeIfAbsent(round, r -> new double[count])[v] += Math.log(score);
          seen.computeIfAbsent(round, r -> new int[count])[v]++;
          index++;
        }
        for (Map.Entry<Integer, int[]> round : seen.entrySet()) {
          int[] n = round.getValue();
          if (Arrays.stream(n).allMatch(k -> k == 2)) {
            double[] sums = logSums.get(round.getKey());
            double[] means = new double[count];
            for (int v = 0; v < count; v++) {
              means[v] = sums[v] / 2;
            }
            roundMeans.add(means);
          }
        }
      }
    }

    /** Log of variant {@code a}'s time over variant {@code b}'s, one value per complete round. */
    ListStatistics logRatios(int a, int b) {
      ListStatistics ratios = new ListStatistics();
      for (double[] means : roundMeans) {
        ratios.addValue(means[a] - means[b]);
      }
      return ratios;
    }
  }
}
