package dev.balanced.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.balanced.testing.SettingsTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's settings table says what the declarations in {@link Settings} do. */
class SettingsDocumentationTest {
  private static final Path README = Path.of("..", "README.md");

  private static SettingsTable table() throws IOException {
    return SettingsTable.read(README, "| setting (prefix `hibernate.balanced.`)");
  }

  @Test
  void everyGlobalSettingIsDocumentedWithItsDefaultAndMinimum() throws IOException {
    SettingsTable table = table();
    for (Setting<?> setting : Settings.GLOBAL) {
      table.assertDocuments(setting.key(), setting);
    }
  }

  @Test
  void everyNodeSettingIsDocumentedForThePrimaryAndForReplicas() throws IOException {
    SettingsTable table = table();
    for (Setting<?> setting : Settings.NODE) {
      table.assertDocuments(Settings.PRIMARY + setting.key(), setting);
      table.assertDocuments(Settings.REPLICAS + "<name>." + setting.key(), setting);
    }
  }

  @Test
  void theTableDocumentsNoSettingThatDoesNotExist() throws IOException {
    List<String> undeclared =
        table()
            .undeclared(
                key -> {
                  String nodeKey =
                      key.startsWith(Settings.PRIMARY)
                          ? key.substring(Settings.PRIMARY.length())
                          : key.startsWith(Settings.REPLICAS + "<name>.")
                              ? key.substring((Settings.REPLICAS + "<name>.").length())
                              : null;
                  return Settings.GLOBAL.stream().anyMatch(s -> s.key().equals(key))
                      || nodeKey != null
                          && (nodeKey.startsWith(Settings.HIKARI)
                              || Settings.NODE.stream().anyMatch(s -> s.key().equals(nodeKey)));
                });
    assertEquals(List.of(), undeclared, "documented in README.md, but not read by Balanced");
  }
}
