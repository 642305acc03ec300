package dev.balanced.internal.events;

/**
 * The bounded kind of a pin reason, for metric tags: the reasons themselves hold entity names and
 * the application's own words.
 */
final class PinKinds {
  private PinKinds() {}

  static final String WRITE_INTENT = "write intent";

  static String of(String reason) {
    if (reason == null) {
      return "application";
    }
    if (reason.startsWith(WRITE_INTENT)) {
      return WRITE_INTENT;
    }
    if (reason.equals("pin()")) {
      return "pin()";
    }
    if (reason.startsWith("master parameter")) {
      return "master parameter";
    }
    if (reason.startsWith("@UsePrimary")) {
      return "annotation";
    }
    if (reason.startsWith("primary path")) {
      return "primary path";
    }
    return "application";
  }
}
