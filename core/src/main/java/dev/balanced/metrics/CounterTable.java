package dev.balanced.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The counters of one name, by the values of at most two tags, found without allocating: the
 * routing path increments one for every unit of work.
 */
final class CounterTable {
  private static final String NONE = "";

  private final MeterRegistry registry;
  private final String name;
  private final String description;
  private final String firstTag;
  private final String secondTag;
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Counter>> counters =
      new ConcurrentHashMap<>();

  /**
   * @param secondTag {@code null} for a counter with one tag
   */
  CounterTable(
      MeterRegistry registry, String name, String description, String firstTag, String secondTag) {
    this.registry = registry;
    this.name = name;
    this.description = description;
    this.firstTag = firstTag;
    this.secondTag = secondTag;
  }

  /**
   * @param second {@code null} for a counter with one tag
   */
  void increment(String first, String second) {
    ConcurrentHashMap<String, Counter> byFirst = counters.get(first);
    if (byFirst == null) {
      byFirst = counters.computeIfAbsent(first, k -> new ConcurrentHashMap<>());
    }
    String key = second == null ? NONE : second;
    Counter counter = byFirst.get(key);
    if (counter == null) {
      counter = byFirst.computeIfAbsent(key, k -> register(first, second));
    }
    counter.increment();
  }

  private Counter register(String first, String second) {
    Counter.Builder builder = Counter.builder(name).description(description).tag(firstTag, first);
    if (secondTag != null) {
      builder.tag(secondTag, second);
    }
    return builder.register(registry);
  }
}
