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
 * JMH's GC profiler and prints one table: per case, Balanced's time per operation divided by the
 * baseline's, with an error combined from both JMH errors, the ratio of each fork, and the
 * allocation per operation of both.
 *
 * <p>Each benchmark runs both variants in the same JVM, alternating iterations ({@link Turns});
 * JMH's own score for a benchmark mixes the two and is not what the table shows. The table splits
 * the measured iterations by variant and applies JMH's statistics to each half.
 *
 * <p>Takes JMH's own command line ({@code -f}, {@code -wi}, {@code -w}, {@code -i}, {@code -r}, a
 * benchmark regex, ...); without one it runs every case with the defaults below, about 8 minutes.
 * The mode and unit are fixed (average time in microseconds): the table's units and its verdicts
 * assume them. {@code java -jar benchmarks.jar -h} lists the options.
 */
public final class OverheadBenchmarks {

  /** Defaults, used by the benchmarks' annotations: 3 forks × (20 × 1 s warm-up + 10 × 1 s). */
  static final int FORKS = 3;

  /**
   * Hibernate's code needs about 16 s of one core before C2 is done with it; earlier iterations
   * still time the compiler. Even, so that each variant gets half.
   */
  static final int WARMUP_ITERATIONS = 20;

  /** Even: five measured iterations per variant and fork. */
  static final int MEASUREMENT_ITERATIONS = 10;

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
    ChainedOptionsBuilder options =
        new OptionsBuilder().parent(cli).mode(Mode.AverageTime).timeUnit(TimeUnit.MICROSECONDS);
    if (cli.getIncludes().isEmpty()) {
      options.include(Pattern.quote(OverheadBenchmarks.class.getPackageName() + ".") + ".*");
    }
    if (cli.getProfilers().stream().noneMatch(p -> isGcProfiler(p.getKlass()))) {
      options.addProfiler(GCProfiler.class);
    }
    return table(new Runner(options.build()).run());
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
    Map<String, RunResult> byCase = new LinkedHashMap<>();
    for (RunResult result : results) {
      byCase.put(result.getParams().getBenchmark(), result);
    }
    List<String> rows = new ArrayList<>();
    rows.add("Routing overhead, Balanced vs baseline (JMH, " + describeRun(results) + ")");
    rows.add("Machine: " + Machine.describe());
    rows.add("");
    rows.add(
        "| case | baseline us/op | Balanced us/op | ratio Balanced/baseline | ratio per fork |"
            + " target | alloc baseline B/op | alloc Balanced B/op |");
    rows.add("|---|---:|---:|---:|---|---|---:|---:|");
    for (Map.Entry<String, Case> entry : CASES.entrySet()) {
      RunResult result = byCase.get(entry.getKey());
      if (result == null) {
        continue;
      }
      Half baseline = new Half();
      Half balanced = new Half();
      List<String> perFork = new ArrayList<>();
      for (BenchmarkResult fork : result.getBenchmarkResults()) {
        Half forkBaseline = new Half();
        Half forkBalanced = new Half();
        int index = fork.getParams().getWarmup().getCount();
        for (IterationResult iteration : fork.getIterationResults()) {
          boolean isBaseline = Turns.BASELINE.equals(Turns.of(index++));
          (isBaseline ? baseline : balanced).add(iteration);
          (isBaseline ? forkBaseline : forkBalanced).add(iteration);
        }
        if (forkBaseline.time.getN() > 0 && forkBalanced.time.getN() > 0) {
          perFork.add(
              String.format("%.3f", forkBalanced.time.getMean() / forkBaseline.time.getMean()));
        }
      }
      if (baseline.time.getN() == 0 || balanced.time.getN() == 0) {
        continue;
      }
      Case c = entry.getValue();
      double base = baseline.time.getMean();
      double lib = balanced.time.getMean();
      double ratio = lib / base;
      double ratioError = ratioError(lib, balanced.error(), base, baseline.error());
      double limit = 1 + c.allowed();
      rows.add(
          "| "
              + c.label()
              + " | "
              + scored(base, baseline.error())
              + " | "
              + scored(lib, balanced.error())
              + " | "
              + scored(ratio, ratioError)
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
    rows.add("");
    rows.add(
        "± is JMH's 99.9% confidence half-width over each variant's measured iterations; the"
            + " ratio's is combined from both: r·sqrt((eL/L)² + (eB/B)²).");
    return String.join(System.lineSeparator(), rows);
  }

  /**
   * The error of {@code lib / base}, from the relative errors of both taken as independent: {@code
   * r * sqrt((eL/L)^2 + (eB/B)^2)}. Turns in one JVM share their slow moments, so this overstates
   * the ratio's error rather than hiding it. NaN when JMH has no error (fewer than 3 iterations).
   */
  static double ratioError(double lib, double libError, double base, double baseError) {
    double a = libError / lib;
    double b = baseError / base;
    return lib / base * Math.sqrt(a * a + b * b);
  }

  private static String scored(double score, double error) {
    String value = String.format("%.3f", score);
    return Double.isNaN(error) ? value + " ± n/a" : value + " ± " + String.format("%.3f", error);
  }

  private static String bytes(ListStatistics allocation) {
    return allocation.getN() == 0 ? "n/a" : String.format("%.0f", allocation.getMean());
  }

  private static String describeRun(Collection<RunResult> results) {
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
        + " measured, the variants taking turns per iteration, "
        + p.getThreads()
        + " thread";
  }
}
