package dev.balanced.internal.config;

import dev.balanced.BalancedConfigurationException;
import dev.balanced.events.BalancedListener;
import dev.balanced.spi.SettingSource;
import dev.balanced.spi.Settings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The listeners a configuration names: instances given under {@code listeners} in the settings map,
 * classes named there, and Micrometer metrics for {@code metrics=true}.
 */
final class ListenerSettings {
  private ListenerSettings() {}

  private static final String METER_REGISTRY = "io.micrometer.core.instrument.MeterRegistry";
  private static final String METRICS = "dev.balanced.metrics.BalancedMetrics";

  /** {@code raw} without the listener instances under {@code listeners}, which are not text. */
  static Map<String, ?> withoutInstances(Map<String, ?> raw, String prefix) {
    Object given = raw.get(prefix + Settings.LISTENERS.key());
    if (given == null || given instanceof String) {
      return raw;
    }
    Map<String, Object> textual = new HashMap<>(raw);
    textual.remove(prefix + Settings.LISTENERS.key());
    return textual;
  }

  static List<BalancedListener> listeners(Map<String, ?> raw, SettingSource source) {
    String key = source.prefix() + Settings.LISTENERS.key();
    List<BalancedListener> listeners = new ArrayList<>();
    Object given = raw.get(key);
    if (given instanceof BalancedListener listener) {
      listeners.add(listener);
    } else if (given instanceof Iterable<?> many) {
      for (Object one : many) {
        listeners.add(instance(one, key));
      }
    } else if (given != null && !(given instanceof String)) {
      listeners.add(instance(given, key));
    }
    for (String className : source.get(Settings.LISTENERS)) {
      listeners.add(instantiate(className, key));
    }
    if (source.get(Settings.METRICS)) {
      listeners.add(globalMetrics(source.prefix() + Settings.METRICS.key()));
    }
    return List.copyOf(listeners);
  }

  private static BalancedListener instance(Object given, String key) {
    if (given instanceof BalancedListener listener) {
      return listener;
    }
    throw new BalancedConfigurationException(
        "Invalid value for setting '"
            + key
            + "': expected class names, or BalancedListener instances, got a "
            + (given == null ? "null" : given.getClass().getName()));
  }

  private static BalancedListener instantiate(String className, String key) {
    Class<?> type;
    try {
      type = Class.forName(className, true, classLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new BalancedConfigurationException(
          "Invalid value [" + className + "] for setting '" + key + "': no such class", e);
    }
    if (!BalancedListener.class.isAssignableFrom(type)) {
      throw new BalancedConfigurationException(
          "Invalid value ["
              + className
              + "] for setting '"
              + key
              + "': expected a class that implements dev.balanced.events.BalancedListener");
    }
    try {
      return (BalancedListener) type.getConstructor().newInstance();
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new BalancedConfigurationException(
          "Invalid value ["
              + className
              + "] for setting '"
              + key
              + "': expected a public no-argument constructor that succeeds; "
              + (e.getCause() != null ? e.getCause() : e),
          e);
    }
  }

  /** Loaded by name, so that without Micrometer nothing of it is ever touched. */
  private static BalancedListener globalMetrics(String key) {
    try {
      Class.forName(METER_REGISTRY, false, classLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new BalancedConfigurationException(
          "Setting '"
              + key
              + "=true' records metrics through Micrometer, which is not on the class path: add"
              + " io.micrometer:micrometer-core, or set it to false");
    }
    try {
      return (BalancedListener)
          Class.forName(METRICS, true, BalancedListener.class.getClassLoader())
              .getMethod("global")
              .invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Cannot start " + METRICS, e);
    }
  }

  private static ClassLoader classLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : ListenerSettings.class.getClassLoader();
  }
}
