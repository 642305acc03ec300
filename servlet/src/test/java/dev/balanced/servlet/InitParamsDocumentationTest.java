package dev.balanced.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.balanced.spi.Setting;
import dev.balanced.testing.SettingsTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The servlet README's init-param table says what the declarations in FilterParams do. */
class InitParamsDocumentationTest {

  private static SettingsTable table() throws IOException {
    return SettingsTable.read(Path.of("README.md"), "| init-param | default | meaning |");
  }

  @Test
  void everyInitParamIsDocumentedWithItsDefault() throws IOException {
    SettingsTable table = table();
    for (Setting<?> param : FilterParams.ALL) {
      table.assertDocuments(param.key(), param);
    }
  }

  @Test
  void theTableDocumentsNoInitParamThatDoesNotExist() throws IOException {
    List<String> undeclared =
        table().undeclared(key -> FilterParams.ALL.stream().anyMatch(p -> p.key().equals(key)));
    assertEquals(List.of(), undeclared, "documented in servlet/README.md, but not read");
  }
}
