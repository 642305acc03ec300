package dev.balanced.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.balanced.spi.Setting;
import dev.balanced.spi.Settings;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The IDE metadata Boot's annotation processor wrote for {@code balanced.*} names every core
 * setting, with the core's default: the properties class restates the core's settings for the IDE,
 * and this keeps the two from drifting apart.
 */
class PropertiesMetadataTest {
  /** Settings whose Boot property differs on purpose, with why. */
  private static final Map<String, String> DIFFERENT_ON_PURPOSE =
      Map.of(
          "metrics",
          "in Boot, true binds the application's own MeterRegistry (core: the global registry)");

  private static Map<String, Map<String, Object>> properties() throws Exception {
    Map<String, Map<String, Object>> byName = new HashMap<>();
    try (InputStream in =
        BalancedProperties.class.getResourceAsStream(
            "/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("the annotation processor's metadata").isNotNull();
      List<Map<String, Object>> all = JsonPath.read(in, "$.properties[*]");
      for (Map<String, Object> property : all) {
        byName.put((String) property.get("name"), property);
      }
    }
    return byName;
  }

  private static String defaultOf(Map<String, Object> property) {
    Object value = property.get("defaultValue");
    return value == null ? null : String.valueOf(value).toLowerCase(Locale.ROOT);
  }

  private static String bootName(String coreKey) {
    return "balanced." + coreKey.replace('_', '-');
  }

  private static String text(Object defaultValue) {
    if (defaultValue == null || (defaultValue instanceof List<?> list && list.isEmpty())) {
      return null;
    }
    return (defaultValue instanceof Enum<?> e ? e.name() : String.valueOf(defaultValue))
        .toLowerCase(Locale.ROOT);
  }

  @Test
  void everyCoreSettingHasABootPropertyWithTheSameDefault() throws Exception {
    Map<String, Map<String, Object>> properties = properties();
    for (Setting<?> setting : Settings.GLOBAL) {
      Map<String, Object> property = properties.get(bootName(setting.key()));
      assertThat(property).as(bootName(setting.key())).isNotNull();
      assertThat((String) property.get("description")).as(setting.key()).isNotBlank();
      if (DIFFERENT_ON_PURPOSE.containsKey(setting.key())) {
        continue;
      }
      assertThat(defaultOf(property))
          .as("default of " + bootName(setting.key()))
          .isEqualTo(text(setting.defaultValue()));
    }
  }

  @Test
  void everyNodeSettingHasABootPropertyForThePrimary() throws Exception {
    Map<String, Map<String, Object>> properties = properties();
    for (Setting<?> setting : Settings.NODE) {
      Map<String, Object> property = properties.get("balanced.primary." + setting.key());
      assertThat(property).as("balanced.primary." + setting.key()).isNotNull();
      assertThat(defaultOf(property))
          .as("default of balanced.primary." + setting.key())
          .isEqualTo(text(setting.defaultValue()));
    }
    assertThat(properties).containsKey("balanced.primary.hikari").containsKey("balanced.replicas");
  }
}
