package dev.balanced.spi;

import java.util.ArrayList;
import java.util.List;

/** Parses a comma-separated list of fully qualified Java class names. */
final class ClassNames {
  private ClassNames() {}

  static List<String> parseList(String text) {
    List<String> names = new ArrayList<>();
    if (text.isBlank()) {
      return List.of();
    }
    for (String item : text.split(",", -1)) {
      String name = item.trim();
      if (!isClassName(name)) {
        throw new Setting.InvalidValue("'" + name + "' is not a Java class name");
      }
      names.add(name);
    }
    return List.copyOf(names);
  }

  private static boolean isClassName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (String part : name.split("\\.", -1)) {
      if (part.isEmpty() || !Character.isJavaIdentifierStart(part.charAt(0))) {
        return false;
      }
      for (int i = 1; i < part.length(); i++) {
        if (!Character.isJavaIdentifierPart(part.charAt(i))) {
          return false;
        }
      }
    }
    return true;
  }
}
