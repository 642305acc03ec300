package dev.balanced.demo;

import dev.balanced.PrimaryUnavailableException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/** The three pages of the Anonymous Message Server. */
final class BoardServlets {
  /** The demo listens on loopback only: the server's time zone is its visitor's. */
  private static final ZoneId ZONE = ZoneId.systemDefault();

  private BoardServlets() {}

  /**
   * Whether a failure says that the connection to the server went away (it crashed or shut down
   * under the query): SQLState class 08, or PostgreSQL's 57P01-57P03.
   */
  static boolean connectionLost(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql
          && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * A read that ran into a server as it went down (a failover's crash): at that moment Balanced has
   * not noticed yet, and the next page is routed around it.
   */
  static void readFailed(
      HttpServletRequest request, HttpServletResponse response, QueryLog log, DemoDatabase db)
      throws IOException {
    Page.render(
        request,
        response,
        503,
        "Not read",
        "<div id=\"error\" class=\"notice stale\" role=\"alert\"><strong>The server that was"
            + " answering this page went down in the middle of it.</strong><span"
            + " class=\"explain\">Balanced sends the next pages elsewhere once it has noticed,"
            + " which takes a moment. <a href=\"/\">Reload</a></span></div>",
        log,
        db);
  }

  /** {@code GET /}: the message the previous visitor left, and a form to leave one. */
  static final class Home extends HttpServlet {
    private final transient DemoDatabase db;

    Home(DemoDatabase db) {
      this.db = db;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      QueryLog log = new QueryLog();
      Message latest;
      long count;
      Long posted = postedId(request);
      boolean seesOwnMessage;
      try (EntityManager em = db.emf().createEntityManager()) {
        latest =
            log.run(
                em,
                "select the latest message",
                e ->
                    e.createQuery("from Message order by id desc", Message.class)
                        .setMaxResults(1)
                        .getResultStream()
                        .findFirst()
                        .orElse(null),
                m -> m == null ? "none yet" : "message #" + m.getId());
        count =
            log.run(
                em,
                "count the messages",
                e -> e.createQuery("select count(m) from Message m", Long.class).getSingleResult(),
                c -> c + " in all");
        seesOwnMessage =
            posted != null
                && log.run(
                    em,
                    "find message #" + posted,
                    e -> e.find(Message.class, posted) != null,
                    found -> found ? "found" : "not found (the replica has not caught up)");
      } catch (RuntimeException e) {
        if (!connectionLost(e)) {
          throw e;
        }
        readFailed(request, response, log, db);
        return;
      }
      Instant now = Instant.now();
      StringBuilder body = new StringBuilder();
      if (posted != null) {
        body.append(postedNotice(posted, seesOwnMessage, log.last(), db));
      }
      body.append("<section class=\"card\" id=\"board\"><h2>The last visitor left you this</h2>");
      body.append(
          latest == null
              ? "<p class=\"message empty\" id=\"latest\">Nobody has left a message yet. Be the"
                  + " first.</p>"
              : "<blockquote class=\"message\" id=\"latest\">"
                  + Html.escape(latest.getText())
                  + "</blockquote><p class=\"meta\">message #"
                  + latest.getId()
                  + " · posted <span id=\"latest-time\">"
                  + HumanTime.html(latest.getPostedAt(), now, ZONE)
                  + "</span></p>");
      body.append(
          "<p class=\"more\"><a href=\"/messages\" id=\"all\">All "
              + count
              + (count == 1 ? " message" : " messages")
              + " →</a></p></section>");
      body.append("<section class=\"card\" id=\"leave-one\">");
      body.append("<h2>Leave a message for the next visitor</h2>");
      body.append(
          "<form method=\"post\" action=\"/messages\"><label for=\"text\" class=\"hint\">Up"
              + " to "
              + Message.MAX_LENGTH
              + " characters. Anonymous: nobody sees who wrote it.</label><textarea id=\"text\""
              + " name=\"text\" rows=\"3\" maxlength=\""
              + Message.MAX_LENGTH
              + "\" placeholder=\"Something kind for whoever comes next\" required></textarea>"
              + "<button type=\"submit\" id=\"leave\">Leave message</button></form></section>");
      Page.render(request, response, 200, "Home", body.toString(), log, db);
    }

    /**
     * The first thing a visitor sees after posting: whether this page found their message, and
     * where it read it.
     */
    private static String postedNotice(
        long posted, boolean found, QueryLog.Entry lookup, DemoDatabase db) {
      if (!found) {
        return "<div id=\"posted\" class=\"notice stale\" role=\"status\"><strong>Your message"
            + " #"
            + posted
            + " is not visible yet: this page read a lagging replica.</strong><span"
            + " class=\"explain\">This window has no token from the post, so this page read"
            + " the replica, which gets each write "
            + db.lag().toSeconds()
            + " s late. Reload in a moment.</span></div>";
      }
      String where =
          lookup.node().equals("primary")
              ? "This page read it from the primary, where it was written"
                  + (lookup.reason().equals("read-your-writes")
                      ? ": your browser brought back the token of your post, and the replica may"
                          + " not have it yet."
                      : ".")
              : "This page read it from the replica, which has it by now.";
      return "<div id=\"posted\" class=\"notice ok\" role=\"status\"><strong>Your message #"
          + posted
          + " is on the board.</strong><span class=\"explain\">"
          + Html.escape(where)
          + "</span></div>";
    }

    private static Long postedId(HttpServletRequest request) {
      String posted = request.getParameter("posted");
      if (posted == null) {
        return null;
      }
      try {
        return Long.valueOf(posted);
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }

  /**
   * {@code GET /messages}: every message, newest first. {@code POST /messages}: leaves a message,
   * then redirects to the home page.
   */
  static final class Messages extends HttpServlet {
    private final transient DemoDatabase db;

    Messages(DemoDatabase db) {
      this.db = db;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      request.setCharacterEncoding("UTF-8");
      String text = request.getParameter("text");
      String problem =
          text == null || text.isBlank()
              ? "A message needs some text."
              : text.length() > Message.MAX_LENGTH
                  ? "A message has at most " + Message.MAX_LENGTH + " characters."
                  : null;
      if (problem != null) {
        Page.render(
            request,
            response,
            400,
            "Not posted",
            "<div id=\"error\" class=\"notice stale\" role=\"alert\"><strong>"
                + Html.escape(problem)
                + "</strong><span class=\"explain\">Nothing was posted. <a href=\"/\">Back to"
                + " the board</a></span></div>",
            new QueryLog(),
            db);
        return;
      }
      QueryLog log = new QueryLog();
      Message message = new Message(text.strip(), Instant.now());
      EntityManagerFactory emf = db.emf();
      try (EntityManager em = emf.createEntityManager()) {
        try {
          em.getTransaction().begin();
          log.write(
              em,
              "insert the message",
              () -> em.persist(message),
              () -> "message #" + message.getId());
          em.getTransaction().commit();
        } catch (RuntimeException e) {
          String notice = primaryDown(e);
          if (notice == null) {
            throw e;
          }
          rollBack(em);
          log.writeFailed("insert the message", "not posted: the primary cannot be reached");
          Page.render(request, response, 503, "Not posted", notice, log, db);
          return;
        }
      }
      // Post/redirect/get: the next page is a new request, which sees the message thanks to the
      // consistency token the filter puts in a cookie on this response.
      response.setStatus(HttpServletResponse.SC_SEE_OTHER);
      response.setHeader("Location", "/?posted=" + message.getId());
    }

    /**
     * What to tell the visitor when a write failed because the primary is down: Balanced's {@link
     * PrimaryUnavailableException}, or a connection lost in the middle of the write (the primary
     * crashed under it). {@code null} for any other failure, which is a bug to show as one.
     */
    private static String primaryDown(RuntimeException failure) {
      for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
        if (cause instanceof PrimaryUnavailableException) {
          return notPosted(
              "Not posted: the primary is down.",
              "Balanced cannot reach the primary database, so it fails writes at once instead of"
                  + " making you wait. Reading goes on: the pages are served by the standbys. If a"
                  + " standby is being promoted, try again in a few seconds: Balanced asks every"
                  + " server whether it is the primary twice a second, and sends writes to the"
                  + " new one as soon as it sees it.");
        }
      }
      if (connectionLost(failure)) {
        return notPosted(
            "Not posted: the connection to the primary was lost.",
            "The primary went away in the middle of your write, so your message may not have"
                + " been saved. Try again in a few seconds.");
      }
      return null;
    }

    private static String notPosted(String headline, String explanation) {
      return "<div id=\"error\" class=\"notice stale\" role=\"alert\"><strong>"
          + Html.escape(headline)
          + "</strong><span class=\"explain\">"
          + Html.escape(explanation)
          + " <a href=\"/\">Back to the board</a></span></div>";
    }

    private static void rollBack(EntityManager em) {
      try {
        if (em.getTransaction().isActive()) {
          em.getTransaction().rollback();
        }
      } catch (RuntimeException ignored) {
        // Its connection is gone with the primary: nothing was committed to roll back.
      }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      QueryLog log = new QueryLog();
      List<Message> messages;
      try (EntityManager em = db.emf().createEntityManager()) {
        messages =
            log.run(
                em,
                "select all messages",
                e -> e.createQuery("from Message order by id desc", Message.class).getResultList(),
                list -> list.size() + (list.size() == 1 ? " message" : " messages"));
      } catch (RuntimeException e) {
        if (!connectionLost(e)) {
          throw e;
        }
        readFailed(request, response, log, db);
        return;
      }
      Instant now = Instant.now();
      StringBuilder body =
          new StringBuilder("<section class=\"card\" id=\"list\"><h2>All messages</h2>");
      if (messages.isEmpty()) {
        body.append("<p class=\"message empty\">Nobody has left a message yet.</p>");
      }
      body.append("<ol id=\"messages\" class=\"messages\">");
      for (Message message : messages) {
        body.append("<li><p class=\"text\">")
            .append(Html.escape(message.getText()))
            .append("</p><p class=\"meta\">message #")
            .append(message.getId())
            .append(" · posted ")
            .append(HumanTime.html(message.getPostedAt(), now, ZONE))
            .append("</p></li>");
      }
      body.append("</ol><p class=\"more\"><a href=\"/\">← Back to the board</a></p></section>");
      Page.render(request, response, 200, "All messages", body.toString(), log, db);
    }
  }
}
