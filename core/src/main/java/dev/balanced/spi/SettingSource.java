package dev.balanced.spi;

import dev.balanced.BalancedConfigurationException;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The values found under one prefix, read through {@link Setting} declarations: the one binder for
 * Hibernate properties ({@code hibernate.balanced.}), {@code BalancedDataSource} properties ({@code
 * balanced.}) and the servlet filter's init-params (no prefix). Every error names the full key, the
 * value (masked when secret) and what was expected.
 */
public final class SettingSource {
  private final Map<String, String> values;
  private final String prefix;
  private final String noun;

  private SettingSource(Map<String, String> values, String prefix, String noun) {
    this.values = values;
    this.prefix = prefix;
    this.noun = noun;
  }

  /**
   * The values of {@code all} whose keys start with {@code prefix}, as text; {@code null} values
   * count as absent.
   *
   * @param noun what a key is, in messages: "setting", "BalancedFilter init-param"
   */
  public static SettingSource of(Map<String, ?> all, String prefix, String noun) {
    Map<String, String> values = new TreeMap<>();
    all.forEach(
        (key, value) -> {
          if (key.startsWith(prefix) && value != null) {
            values.put(key, value.toString());
          }
        });
    return new SettingSource(Collections.unmodifiableMap(values), prefix, noun);
  }

  public String prefix() {
    return prefix;
  }

  /** The full keys present, in order. */
  public Set<String> keys() {
    return values.keySet();
  }

  /** Whether {@code setting} is given. */
  public boolean has(Setting<?> setting) {
    return values.containsKey(prefix + setting.key());
  }

  /** The value of {@code setting}, or its default when it is absent. */
  public <T> T get(Setting<T> setting) {
    return getAt(setting, prefix + setting.key());
  }

  /**
   * The value of {@code setting} under a further prefix, e.g. a node's {@code weight} under {@code
   * hibernate.balanced.replicas.r1.}.
   */
  public <T> T get(Setting<T> setting, String keyPrefix) {
    return getAt(setting, keyPrefix + setting.key());
  }

  /** The raw text under a full key, {@code null} when absent. */
  public String text(String fullKey) {
    return values.get(fullKey);
  }

  private <T> T getAt(Setting<T> setting, String fullKey) {
    String text = values.get(fullKey);
    return text == null ? setting.defaultValue() : setting.parse(text, fullKey, noun);
  }

  /**
   * Fails on the first key (in order) that is neither declared in {@code declared} nor accepted by
   * {@code alsoAccepted}, so a typo fails at startup instead of being silently ignored. The value
   * is left out of the message: a misspelt key may well hold a secret.
   *
   * @param alsoAccepted full keys accepted besides the declared ones (e.g. per-node keys)
   * @param alsoExpected how to describe those in the message, or {@code null}
   */
  public void rejectUnknown(
      Collection<? extends Setting<?>> declared,
      Predicate<String> alsoAccepted,
      String alsoExpected) {
    Set<String> known = new TreeSet<>();
    for (Setting<?> setting : declared) {
      known.add(setting.key());
    }
    for (String key : values.keySet()) {
      if (!known.contains(key.substring(prefix.length())) && !alsoAccepted.test(key)) {
        throw new BalancedConfigurationException(
            "Unknown "
                + noun
                + " '"
                + key
                + "': expected one of "
                + prefix
                + "{"
                + String.join(", ", known)
                + "}"
                + (alsoExpected == null ? "" : " or " + alsoExpected));
      }
    }
  }
}
