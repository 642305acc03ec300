package dev.balanced.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.util.ListStatistics;

/**
 * Runs the routing-overhead benchmarks ({@link HibernateBenchmark}, {@link JdbcBenchmark}) with
 * JMH's GC profiler and prints one table: per case, the time per operation of both variants,
 * Balanced's time divided by the baseline's pair by pair with its error, the ratio of each fork,
 * and the allocation per operation of both.
 *
 * <p>Each benchmark runs both variants in the same JVM, taking turns in ABBA order ({@link Turns});
 * JMH's own score for a benchmark mixes the two and is not what the table shows. The table splits
 * the measured iterations by variant for the times, and takes the ratio within each pair of
 * adjacent iterations ({@link Pairs}).
 *
 * <p>Takes JMH's own command line ({@code -f}, {@code -wi}, {@code -w}, {@code -i}, {@code -r}, a
 * benchmark regex, ...); without one it runs every case with the defaults below, about 9 minutes.
 * The mode and unit are fixed (average time in microseconds): the table's units and its verdicts
 * assume them. {@code java -jar benchmarks.jar -h} lists the options.
 */
public final class OverheadBenchmarks {

  /**
   * Defaults, used by the benchmarks' annotations: 3 forks × (20 × 1 s warm-up + 40 × 0.5 s
   * measured), 60 pairs of iterations per case in all.
   */
  static final int FORKS = 3;

  /**
   * Hibernate's code needs about 16 s of one core before C2 is done with it; earlier iterations
   * still time the compiler. Even, so that each variant gets half.
   */
  static final int WARMUP_ITERATIONS = 20;

  /**
   * A multiple of 4, so that each variant goes first in half of the pairs ({@link Turns}). Many
   * short iterations give more pairs than few long ones, and a pair's ratio is what is measured.
   */
  static final int MEASUREMENT_ITERATIONS = 40;

  static final int MEASUREMENT_MILLIS = 500;

  private static final String ALLOCATION = "gc.alloc.rate.norm";

  /** The cases in table order, with what they do and the overhead allowed. */
  private static final Map<String, Case> CASES = new LinkedHashMap<>();

  static {
    add(HibernateBenchmark.class, "find", "Hibernate: find by id (read tx)", 0.03);
    add(HibernateBenchmark.class, "query20", "Hibernate: query, 20 rows (read tx)", 0.03);
    add(HibernateBenchmark.class, "persist", "Hibernate: persist + commit (write tx)", 0.03);
    add(JdbcBenchmark.class, "selectOne", "JDBC: getConnection, prepared select, close", 0.10);
  }

  private record Case(String label, double allowed) {}

  private static void add(Class<?> benchmark, String method, String label, double allowed) {
    CASES.put(benchmark.getName() + "." + method, new Case(label, allowed));
  }

  private OverheadBenchmarks() {}

  public static void main(String[] args) throws Exception {
    CommandLineOptions cli;
    try {
      cli = new CommandLineOptions(args);
    } catch (CommandLineOptionException e) {
      System.err.println(e.getMessage());
      System.exit(1);
      return;
    }
    if (cli.shouldHelp()
        || cli.shouldList()
        || cli.shouldListWithParams()
        || cli.shouldListProfilers()
        || cli.shouldListResultFormats()) {
      org.openjdk.jmh.Main.main(args); // JMH's own answers: -h, -l, -lp, -lprof, -lrf
      return;
    }
    System.out.println(run(cli));
  }

  /** Runs the benchmarks {@code cli} selects (all of them by default) and returns the table. */
  public static String run(CommandLineOptions cli) throws RunnerException {
    // Not the peers' benchmarks: PeerComparison runs those.
    return table(
        new Runner(
                options(
                        cli,
                        List.of(
                            allOf(HibernateBenchmark.class.getName()),
                            allOf(JdbcBenchmark.class.getName())))
                    .build())
            .run());
  }

  /**
   * JMH's options from {@code cli}, in the mode and unit the tables assume, with the GC profiler
   * (for allocation per operation), and {@code defaultIncludes} when {@code cli} names none.
   */
  static ChainedOptionsBuilder options(CommandLineOptions cli, List<String> defaultIncludes) {
    ChainedOptionsBuilder options =
        new OptionsBuilder().parent(cli).mode(Mode.AverageTime).timeUnit(TimeUnit.MICROSECONDS);
    if (cli.getIncludes().isEmpty()) {
      defaultIncludes.forEach(options::include);
    }
    if (cli.getProfilers().stream().noneMatch(p -> isGcProfiler(p.getKlass()))) {
      options.addProfiler(GCProfiler.class);
    }
    return options;
  }

  /** The regex of every benchmark method of {@code benchmarkClass}. */
  static String allOf(String benchmarkClass) {
    return Pattern.quote(benchmarkClass) + "\\..*";
  }

  /** The geometric mean of ratios given by their logarithms. */
  static double geometricMean(ListStatistics logRatios) {
    return Math.exp(logRatios.getMean());
  }

  /**
   * The 99.9% confidence half-width of {@link #geometricMean}, from that of the mean log ratio:
   * {@code ratio * e} to first order. NaN below 3 values.
   */
  static double geometricMeanError(ListStatistics logRatios) {
    return geometricMean(logRatios) * logRatios.getMeanErrorAt(0.999);
  }

  private static boolean isGcProfiler(String name) {
    return name.equals("gc") || name.equals(GCProfiler.class.getName());
  }

  /** One variant's measured iterations, over all forks. */
  private static final class Half {
    final ListStatistics time = new ListStatistics();
    final ListStatistics allocation = new ListStatistics();

    void add(IterationResult iteration) {
      time.addValue(iteration.getPrimaryResult().getScore());
      Result<?> alloc = iteration.getSecondaryResults().get(ALLOCATION);
      if (alloc != null) {
        allocation.addValue(alloc.getScore());
      }
    }

    /** JMH's error: the 99.9% confidence half-width of the mean; NaN below 3 iterations. */
    double error() {
      return time.getMeanErrorAt(0.999);
    }
  }

  /** The ratio table of {@code results}; a case without iterations of both variants is skipped. */
  static String table(Collection<RunResult> results) {
    // A case with a metrics parameter has a result per value: a row each, metrics off first.
    Map<String, List<RunResult>> byCase = new LinkedHashMap<>();
    for (RunResult result : results) {
      byCase.computeIfAbsent(result.getParams().getBenchmark(), k -> new ArrayList<>()).add(result);
    }
    byCase
        .values()
        .forEach(
            list ->
                list.sort(
                    java.util.Comparator.comparing(
                        r -> String.valueOf(r.getParams().getParam(METRICS)))));
    List<String> rows = new ArrayList<>();
    rows.add("Routing overhead, Balanced vs baseline (JMH, " + describeRun(results, "ABBA") + ")");
    rows.add("Machine: " + Machine.describe());
    rows.add("");
    rows.add(
        "| case | baseline us/op | Balanced us/op | ratio Balanced/baseline | ratio per fork |"
            + " target | alloc baseline B/op | alloc Balanced B/op |");
    rows.add("|---|---:|---:|---:|---|---|---:|---:|");
    for (Map.Entry<String, Case> entry : CASES.entrySet()) {
      for (RunResult result : byCase.getOrDefault(entry.getKey(), List.of())) {
        String metrics = result.getParams().getParam(METRICS);
        row(rows, entry.getValue(), metrics == null ? "" : ", metrics " + metrics, result);
      }
    }
    rows.add("");
    rows.add(
        "Times: mean ± JMH's 99.9% confidence half-width over each variant's measured iterations."
            + " Ratio: geometric mean of Balanced/baseline over pairs of adjacent iterations, ±"
            + " the 99.9% confidence half-width of that mean (JMH's statistics on the log ratios).");
    return String.join(System.lineSeparator(), rows);
  }

  /** The JMH parameter that turns Balanced's Micrometer metrics on ("on") or off ("off"). */
  static final String METRICS = "metrics";

  private static void row(List<String> rows, Case c, String variant, RunResult result) {
    Half baseline = new Half();
    Half balanced = new Half();
    Pairs pairs = new Pairs();
    List<String> perFork = new ArrayList<>();
    for (BenchmarkResult fork : result.getBenchmarkResults()) {
      Pairs forkPairs = new Pairs();
      int index = fork.getParams().getWarmup().getCount();
      IterationResult previous = null;
      for (IterationResult iteration : fork.getIterationResults()) {
        boolean isBaseline = Turns.BASELINE.equals(Turns.of(index));
        (isBaseline ? baseline : balanced).add(iteration);
        if (Turns.endsPair(index) && previous != null) {
          IterationResult base = isBaseline ? iteration : previous;
          IterationResult lib = isBaseline ? previous : iteration;
          pairs.add(base, lib);
          forkPairs.add(base, lib);
        }
        previous = iteration;
        index++;
      }
      if (forkPairs.logRatios.getN() > 0) {
        perFork.add(String.format("%.3f", forkPairs.ratio()));
      }
    }
    if (pairs.logRatios.getN() == 0) {
      return;
    }
    double ratio = pairs.ratio();
    double limit = 1 + c.allowed();
    rows.add(
        "| "
            + c.label()
            + variant
            + " | "
            + scored(baseline.time.getMean(), baseline.error())
            + " | "
            + scored(balanced.time.getMean(), balanced.error())
            + " | "
            + scored(ratio, pairs.error())
            + " | "
            + String.join(", ", perFork)
            + " | "
            + String.format("≤ %.2f: %s", limit, ratio <= limit ? "met" : "missed")
            + " | "
            + bytes(baseline.allocation)
            + " | "
            + bytes(balanced.allocation)
            + " |");
  }

  /**
   * Pairs of adjacent iterations, one of each variant. Comparing within a pair cancels what the two
   * share, the machine's slow minutes above all, which comparing the two variants' means does not.
   */
  private static final class Pairs {
    final ListStatistics logRatios = new ListStatistics();

    void add(IterationResult baseline, IterationResult balanced) {
      logRatios.addValue(
          Math.log(
              balanced.getPrimaryResult().getScore() / baseline.getPrimaryResult().getScore()));
    }

    /** Balanced/baseline: the geometric mean of the pairs' ratios. */
    double ratio() {
      return geometricMean(logRatios);
    }

    /** The 99.9% confidence half-width of {@link #ratio()}; NaN below 3 pairs. */
    double error() {
      return geometricMeanError(logRatios);
    }
  }

  static String scored(double score, double error) {
    String value = String.format("%.3f", score);
    return Double.isNaN(error) ? value + " ± n/a" : value + " ± " + String.format("%.3f", error);
  }

  static String bytes(ListStatistics allocation) {
    return allocation.getN() == 0 ? "n/a" : String.format("%.0f", allocation.getMean());
  }

  static String describeRun(Collection<RunResult> results, String order) {
    if (results.isEmpty()) {
      return "no results";
    }
    BenchmarkParams p = results.iterator().next().getParams();
    return p.getForks()
        + " fork(s), each "
        + p.getWarmup().getCount()
        + " × "
        + p.getWarmup().getTime()
        + " warm-up + "
        + p.getMeasurement().getCount()
        + " × "
        + p.getMeasurement().getTime()
        + " measured, the variants taking turns ("
        + order
        + "), "
        + p.getThreads()
        + " thread";
  }
}
