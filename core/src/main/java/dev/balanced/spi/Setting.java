package dev.balanced.spi;

import java.util.Locale;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One setting, declared once: its key (relative to where it is read, see {@link SettingSource}),
 * its default, its minimum, whether its value is secret, how its text is parsed and what it means.
 * Core's settings and the servlet filter's init-params are declared this way, and the READMEs'
 * settings tables are checked against these declarations.
 *
 * @param <T> the parsed type
 */
public final class Setting<T> {
  private final String key;
  private final T defaultValue;
  private final Integer minimum;
  private final boolean secret;
  private final String expected;
  private final Function<String, T> parser;
  private final String description;
  private final UnaryOperator<String> display;

  private Setting(
      String key,
      T defaultValue,
      Integer minimum,
      boolean secret,
      String expected,
      Function<String, T> parser,
      String description,
      UnaryOperator<String> display) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.minimum = minimum;
    this.secret = secret;
    this.expected = expected;
    this.parser = parser;
    this.description = description;
    this.display = display;
  }

  private Setting(
      String key,
      T defaultValue,
      Integer minimum,
      boolean secret,
      String expected,
      Function<String, T> parser,
      String description) {
    this(key, defaultValue, minimum, secret, expected, parser, description, null);
  }

  /**
   * This setting, with its refused values shown in messages through {@code mask}: for values that
   * may hold a secret in part, such as a URI with a password.
   */
  public Setting<T> displayedAs(UnaryOperator<String> mask) {
    return new Setting<>(key, defaultValue, minimum, secret, expected, parser, description, mask);
  }

  /** {@code true} or {@code false}, case-insensitive. */
  public static Setting<Boolean> bool(String key, boolean defaultValue, String description) {
    return new Setting<>(
        key, defaultValue, null, false, "true or false", Setting::parseBoolean, description);
  }

  /** A whole number of at least {@code min}; {@code defaultValue} may be {@code null} (none). */
  public static Setting<Integer> integer(
      String key, Integer defaultValue, int min, String description) {
    return new Setting<>(
        key,
        defaultValue,
        min,
        false,
        "a whole number >= " + min,
        text -> {
          int value = Integer.parseInt(text.trim());
          return value < min ? null : value;
        },
        description);
  }

  /** A non-blank text, none by default. */
  public static Setting<String> text(String key, String description) {
    return new Setting<>(
        key, null, null, false, "a non-empty text", t -> t.isBlank() ? null : t, description);
  }

  /**
   * A text that never appears in a message or a log line, none by default. Any text is accepted,
   * the empty one too (a database password may be empty); rules of length are the reader's.
   */
  public static Setting<String> secret(String key, String description) {
    return new Setting<>(key, null, null, true, "a text", t -> t, description);
  }

  /** One of the constants of {@code type}, by name, case-insensitive; written in lower case. */
  public static <E extends Enum<E>> Setting<E> choice(
      String key, E defaultValue, Class<E> type, String description) {
    StringBuilder names = new StringBuilder();
    for (E constant : type.getEnumConstants()) {
      names.append(names.length() == 0 ? "" : " | ").append(lowerCase(constant));
    }
    return new Setting<>(
        key,
        defaultValue,
        null,
        false,
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

  /**
   * A setting of any other type. {@code parser} returns {@code null} for a value it refuses, or
   * throws {@link InvalidValue} to say what in it is wrong; any other exception it throws counts as
   * a refusal too.
   *
   * @param expected what a good value looks like, for messages: "a cookie name (an RFC 6265 token)"
   */
  public static <T> Setting<T> of(
      String key, T defaultValue, String expected, Function<String, T> parser, String description) {
    return new Setting<>(key, defaultValue, null, false, expected, parser, description);
  }

  public String key() {
    return key;
  }

  /** The value when the setting is absent; {@code null} for none. */
  public T defaultValue() {
    return defaultValue;
  }

  /** The smallest accepted value of a whole-number setting; {@code null} for other settings. */
  public Integer minimum() {
    return minimum;
  }

  /** Whether the value is masked wherever it could appear (messages, logs, {@code toString}). */
  public boolean isSecret() {
    return secret;
  }

  /** What a good value looks like, as error messages say it. */
  public String expected() {
    return expected;
  }

  public String description() {
    return description;
  }

  /**
   * The default as it is written in a configuration: {@code 15}, {@code true}, {@code greedy};
   * {@code null} when there is none (an empty list is none too).
   */
  public String defaultText() {
    if (defaultValue == null
        || defaultValue instanceof java.util.Collection<?> values && values.isEmpty()) {
      return null;
    }
    return defaultValue instanceof Enum<?> constant ? lowerCase(constant) : defaultValue.toString();
  }

  /**
   * Parses {@code text}, the value found under {@code fullKey}.
   *
   * @param noun what the key is, for the message: "setting", "BalancedFilter init-param"
   * @throws dev.balanced.BalancedConfigurationException naming the key, the value (masked when
   *     secret) and what was expected
   */
  T parse(String text, String fullKey, String noun) {
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
      throw new dev.balanced.BalancedConfigurationException(
          "Invalid value ["
              + (secret
                  ? Secrets.MASK
                  : display != null ? display.apply(text) : Secrets.displayValue(fullKey, text))
              + "] for "
              + noun
              + " '"
              + fullKey
              + "': expected "
              + expected
              + (problem == null ? "" : "; " + problem));
    }
    return value;
  }

  @Override
  public String toString() {
    return "Setting[" + key + "]";
  }

  private static Boolean parseBoolean(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> null;
    };
  }

  private static String lowerCase(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT);
  }

  /** A parser's refusal of a value, saying what in it is wrong. */
  public static final class InvalidValue extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidValue(String problem) {
      super(problem, null, false, false);
    }
  }
}
