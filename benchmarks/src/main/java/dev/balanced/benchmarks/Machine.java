package dev.balanced.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** One line saying what the numbers were measured on, printed above every table. */
final class Machine {
  private Machine() {}

  static String describe() {
    return cpus()
        + " ("
        + field("/proc/cpuinfo", "model name")
        + "), "
        + memory()
        + " RAM, "
        + System.getProperty("java.vm.name")
        + " "
        + System.getProperty("java.runtime.version")
        + ", "
        + System.getProperty("os.name")
        + " "
        + System.getProperty("os.arch");
  }

  /** The CPUs this JVM may use, and how many the machine has when that is fewer (taskset). */
  private static String cpus() {
    int usable = Runtime.getRuntime().availableProcessors();
    long present = count("/proc/cpuinfo", "processor");
    return present > usable ? usable + " of " + present + " CPUs usable" : usable + " CPUs";
  }

  private static String memory() {
    String total = field("/proc/meminfo", "MemTotal");
    String[] parts = total.split("\\s+");
    if (parts.length == 2 && parts[1].equalsIgnoreCase("kB")) {
      return String.format("%.1f GiB", Long.parseLong(parts[0]) / 1024.0 / 1024.0);
    }
    return total;
  }

  private static long count(String file, String name) {
    return values(file, name).size();
  }

  private static String field(String file, String name) {
    List<String> values = values(file, name);
    return values.isEmpty() ? "unknown " + name : values.get(0);
  }

  /** The values of every "name: value" line of {@code file}; none when it cannot be read. */
  private static List<String> values(String file, String name) {
    try {
      return Files.readAllLines(Path.of(file)).stream()
          .filter(line -> line.indexOf(':') > 0)
          .filter(line -> line.substring(0, line.indexOf(':')).trim().equals(name))
          .map(line -> line.substring(line.indexOf(':') + 1).trim())
          .toList();
    } catch (IOException | RuntimeException e) {
      // Not Linux, or not readable: say so rather than fail a benchmark.
      return List.of();
    }
  }
}
