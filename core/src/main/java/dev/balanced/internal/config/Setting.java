package dev.balanced.internal.config;

import dev.balanced.BalancedConfigurationException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * One setting: its key (relative to the configuration prefix), its default, how its text is parsed
 * and what it means. Every setting is declared once, in {@link Settings}.
 *
 * @param <T> the parsed type
 */
public final class Setting<T> {
  private final String key;
  private final T defaultValue;
  private final String expected;
  private final Function<String, T> parser;
  private final String description;

  private Setting(
      String key, T defaultValue, String expected, Function<String, T> parser, String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.expected = expected;
    this.parser = parser;
    this.description = description;
  }

  static Setting<Boolean> bool(String key, boolean defaultValue, String description) {
    return new Setting<>(
        key,
        defaultValue,
        "true or false",
        text ->
            switch (text.trim().toLowerCase(Locale.ROOT)) {
              case "true" -> Boolean.TRUE;
              case "false" -> Boolean.FALSE;
              default -> null;
            },
        description);
  }

  static Setting<Integer> integer(String key, Integer defaultValue, int min, String description) {
    return new Setting<>(
        key,
        defaultValue,
        "a whole number >= " + min,
        text -> {
          int value = Integer.parseInt(text.trim());
          return value < min ? null : value;
        },
        description);
  }

  static Setting<String> text(String key, String description) {
    return new Setting<>(key, null, "a non-empty text", t -> t.isBlank() ? null : t, description);
  }

  /** Function names: {@code archive_order, app.bump_counter}; none by default. */
  static Setting<List<FunctionName>> functionNames(String key, String description) {
    return new Setting<>(
        key, List.of(), FunctionName.EXPECTED, FunctionName::parseList, description);
  }

  static <E extends Enum<E>> Setting<E> choice(
      String key, E defaultValue, Class<E> type, String description) {
    StringBuilder names = new StringBuilder();
    for (E constant : type.getEnumConstants()) {
      names
          .append(names.length() == 0 ? "" : " | ")
          .append(constant.name().toLowerCase(Locale.ROOT));
    }
    return new Setting<>(
        key,
        defaultValue,
        "one of " + names,
        text -> {
          for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(text.trim())) {
              return constant;
            }
          }
          return null;
        },
        description);
  }

  public String key() {
    return key;
  }

  public T defaultValue() {
    return defaultValue;
  }

  public String expected() {
    return expected;
  }

  public String description() {
    return description;
  }

  /**
   * Reads this setting from {@code raw} under {@code prefix}; the default when absent.
   *
   * @throws BalancedConfigurationException naming the full key, the value and what was expected
   */
  public T read(Map<String, String> raw, String prefix) {
    return readAt(raw, prefix, prefix + key);
  }

  T readAt(Map<String, String> raw, String prefix, String fullKey) {
    String text = raw.get(fullKey);
    if (text == null) {
      return defaultValue;
    }
    T value;
    String problem = null;
    try {
      value = parser.apply(text);
    } catch (InvalidValue e) {
      value = null;
      problem = e.getMessage();
    } catch (RuntimeException e) {
      value = null;
    }
    if (value == null) {
      throw new BalancedConfigurationException(
          "Invalid value ["
              + Secrets.displayValue(fullKey, text)
              + "] for setting '"
              + fullKey
              + "': expected "
              + expected
              + (problem == null ? "" : "; " + problem));
    }
    return value;
  }

  /** A parser's rejection of a value, saying what in it is wrong. */
  static final class InvalidValue extends RuntimeException {
    InvalidValue(String problem) {
      super(problem, null, false, false);
    }
  }
}
