package dev.balanced.demo;

/**
 * The words the demo's pages show about routing, explained in a sentence each where they appear:
 * why a query went where it went, whether the request was pinned, where its token came from.
 */
final class Words {
  private Words() {}

  /**
   * What a route reason ({@code BalancedSession.routeReason()}) means for the query it is shown
   * next to; "" for a reason this demo does not produce.
   */
  static String reason(String reason) {
    if (reason.startsWith("pin: ")) {
      return "This request is pinned to the primary, so all its reads go there: "
          + pinCause(reason.substring("pin: ".length()))
          + ".";
    }
    return switch (reason) {
      case "selector" ->
          "Nothing here needs the primary, so the replica selector picked a replica to read.";
      case "read-your-writes" ->
          "Your browser sent the consistency token of your post, and the replica may not have"
              + " your message yet: the primary answers, so you see what you wrote.";
      case "write intent" -> "Writes always go to the primary.";
      case "scope" -> "The code asked for this node by name.";
      case "read-only session" -> "A read-only session stays on its replica.";
      case "replica unreachable" -> "The replica cannot be reached, so the primary answers.";
      case "primary unavailable" ->
          "The primary cannot be reached (it is down, or a standby is being promoted), so a"
              + " standby answers with what it has.";
      case "replica behind" ->
          "The replica is further behind than allowed, so the primary answers.";
      default -> "";
    };
  }

  /** Why a request was pinned, from {@code PinningContext.pinReason()}. */
  static String pinCause(String pinReason) {
    if (pinReason.startsWith("master parameter ")) {
      return "the address asked for it (?"
          + pinReason.substring("master parameter ".length())
          + "=1)";
    }
    if (pinReason.startsWith("write intent")) {
      return "it wrote, and reads what it wrote from then on";
    }
    return pinReason;
  }

  /** What "pinned" means, next to the line that says whether this request was. */
  static final String PIN =
      "A pinned request reads from the primary only. A request pins itself when it writes, or"
          + " when its address asks for the primary.";

  /** What the consistency token is, next to the line that says whether one came. */
  static final String TOKEN =
      "After a write, Balanced hands the browser a consistency token (here in a cookie). While it"
          + " says the replica may lack your writes, your reads go to the primary:"
          + " read-your-writes.";
}
