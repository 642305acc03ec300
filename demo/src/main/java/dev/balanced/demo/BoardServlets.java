package dev.balanced.demo;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/** The three pages of the Anonymous Message Server. */
final class BoardServlets {
  private BoardServlets() {}

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
      }
      StringBuilder body = new StringBuilder();
      if (posted != null) {
        body.append(
            seesOwnMessage
                ? "<p id=\"posted\" class=\"ok\">Your message #" + posted + " is on the board.</p>"
                : "<p id=\"posted\" class=\"stale\">Your message #"
                    + posted
                    + " is not visible yet: this page read a lagging replica.</p>");
      }
      body.append("<h2>The last visitor left you this</h2>");
      body.append(
          latest == null
              ? "<p class=\"message\" id=\"latest\">Nobody has left a message yet.</p>"
              : "<p class=\"message\" id=\"latest\">"
                  + Html.escape(latest.getText())
                  + "</p><p><small>message #"
                  + latest.getId()
                  + ", posted "
                  + latest.getPostedAt()
                  + "</small></p>");
      body.append("<h2>Leave a message for the next visitor</h2>");
      body.append(
          "<form method=\"post\" action=\"/messages\"><textarea name=\"text\" rows=\"3\""
              + " maxlength=\""
              + Message.MAX_LENGTH
              + "\" required></textarea><br><button type=\"submit\" id=\"leave\">Leave"
              + " message</button></form>");
      body.append("<p><a href=\"/messages\" id=\"all\">All " + count + " messages</a></p>");
      Page.render(request, response, 200, "Home", body.toString(), log, db.description());
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
            "<p id=\"error\">" + Html.escape(problem) + " <a href=\"/\">Back</a></p>",
            new QueryLog(),
            db.description());
        return;
      }
      QueryLog log = new QueryLog();
      Message message = new Message(text.strip(), Instant.now());
      EntityManagerFactory emf = db.emf();
      try (EntityManager em = emf.createEntityManager()) {
        em.getTransaction().begin();
        log.write(
            em,
            "insert the message",
            () -> em.persist(message),
            () -> "message #" + message.getId());
        em.getTransaction().commit();
      }
      // Post/redirect/get: the next page is a new request, which sees the message thanks to the
      // consistency token the filter puts in a cookie on this response.
      response.setStatus(HttpServletResponse.SC_SEE_OTHER);
      response.setHeader("Location", "/?posted=" + message.getId());
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
                list -> list.size() + " messages");
      }
      StringBuilder body = new StringBuilder("<h2>All messages</h2><ol id=\"messages\" reversed>");
      for (Message message : messages) {
        body.append("<li>")
            .append(Html.escape(message.getText()))
            .append(" <small>#")
            .append(message.getId())
            .append(", ")
            .append(message.getPostedAt())
            .append("</small></li>");
      }
      body.append("</ol><p><a href=\"/\">Back</a></p>");
      Page.render(request, response, 200, "All messages", body.toString(), log, db.description());
    }
  }
}
