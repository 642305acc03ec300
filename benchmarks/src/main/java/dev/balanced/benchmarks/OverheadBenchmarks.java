package dev.balanced.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the routing-overhead benchmarks ({@link HibernateBenchmark}, {@link JdbcBenchmark}) with
 * JMH's GC profiler and prints one table: per case, Balanced's time per operation divided by the
 * baseline's, with an error combined from both JMH errors, and the allocation per operation of
 * both.
 *
 * <p>Takes JMH's own command line ({@code -f}, {@code -wi}, {@code -w}, {@code -i}, {@code -r}, a
 * benchmark regex, ...); without one it runs every case with the defaults below, about 6 minutes on
 * 2 cores. {@code java -jar benchmarks.jar -h} lists the options.
 */
public final class OverheadBenchmarks {
  static final String BASELINE = "baseline";
  static final String BALANCED = "balanced";

  /** Defaults, used by the benchmarks' annotations: 2 forks × (8 × 1 s warm-up + 5 × 2 s). */
  static final int FORKS = 2;

  static final int WARMUP_ITERATIONS = 8;
  static final int MEASUREMENT_ITERATIONS = 5;

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
    ChainedOptionsBuilder options = new OptionsBuilder().parent(cli);
    if (cli.getIncludes().isEmpty()) {
      options.include(Pattern.quote(OverheadBenchmarks.class.getPackageName() + ".") + ".*");
    }
    if (cli.getProfilers().stream().noneMatch(p -> isGcProfiler(p.getKlass()))) {
      options.addProfiler(GCProfiler.class);
    }
    Collection<RunResult> results = new Runner(options.build()).run();
    return table(results);
  }

  private static boolean isGcProfiler(String name) {
    return name.equals("gc") || name.equals(GCProfiler.class.getName());
  }

  /** The ratio table of {@code results}; a case whose two variants did not both run is skipped. */
  static String table(Collection<RunResult> results) {
    Map<String, Map<String, RunResult>> byCase = new LinkedHashMap<>();
    for (RunResult result : results) {
      BenchmarkParams params = result.getParams();
      byCase
          .computeIfAbsent(params.getBenchmark(), k -> new LinkedHashMap<>())
          .put(params.getParam("variant"), result);
    }
    List<String> rows = new ArrayList<>();
    rows.add("Routing overhead, Balanced vs baseline (JMH, " + describeRun(results) + ")");
    rows.add("Machine: " + Machine.describe());
    rows.add("");
    rows.add(
        "| case | baseline us/op | Balanced us/op | ratio Balanced/baseline | target |"
            + " alloc baseline B/op | alloc Balanced B/op |");
    rows.add("|---|---:|---:|---:|---|---:|---:|");
    for (Map.Entry<String, Case> entry : CASES.entrySet()) {
      Map<String, RunResult> variants = byCase.get(entry.getKey());
      if (variants == null || !variants.containsKey(BASELINE) || !variants.containsKey(BALANCED)) {
        continue;
      }
      Case c = entry.getValue();
      Result<?> base = variants.get(BASELINE).getPrimaryResult();
      Result<?> lib = variants.get(BALANCED).getPrimaryResult();
      double ratio = lib.getScore() / base.getScore();
      double ratioError =
          ratioError(lib.getScore(), lib.getScoreError(), base.getScore(), base.getScoreError());
      double limit = 1 + c.allowed();
      String verdict = ratio <= limit ? "met" : "missed";
      rows.add(
          "| "
              + c.label()
              + " | "
              + scored(base.getScore(), base.getScoreError(), "%.3f")
              + " | "
              + scored(lib.getScore(), lib.getScoreError(), "%.3f")
              + " | "
              + scored(ratio, ratioError, "%.3f")
              + " | "
              + String.format("≤ %.2f: %s", limit, verdict)
              + " | "
              + allocation(variants.get(BASELINE))
              + " | "
              + allocation(variants.get(BALANCED))
              + " |");
    }
    rows.add("");
    rows.add(
        "± is JMH's 99.9% confidence half-width; the ratio's is combined from both:"
            + " r·sqrt((eL/L)² + (eB/B)²).");
    return String.join(System.lineSeparator(), rows);
  }

  /**
   * The error of {@code lib / base}, from the relative errors of both, which are independent
   * measurements: {@code r * sqrt((eL/L)^2 + (eB/B)^2)}. NaN when JMH has no error (one iteration).
   */
  static double ratioError(double lib, double libError, double base, double baseError) {
    double a = libError / lib;
    double b = baseError / base;
    return lib / base * Math.sqrt(a * a + b * b);
  }

  private static String scored(double score, double error, String format) {
    String value = String.format(format, score);
    return Double.isNaN(error) ? value + " ± n/a" : value + " ± " + String.format(format, error);
  }

  private static String allocation(RunResult result) {
    Result<?> alloc = result.getSecondaryResults().get(ALLOCATION);
    return alloc == null ? "n/a" : String.format("%.0f", alloc.getScore());
  }

  private static String describeRun(Collection<RunResult> results) {
    if (results.isEmpty()) {
      return "no results";
    }
    BenchmarkParams p = results.iterator().next().getParams();
    return p.getForks()
        + " fork(s) × "
        + p.getMeasurement().getCount()
        + " × "
        + p.getMeasurement().getTime()
        + " measured after "
        + p.getWarmup().getCount()
        + " × "
        + p.getWarmup().getTime()
        + " warm-up, "
        + p.getThreads()
        + " thread";
  }
}
