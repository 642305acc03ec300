package dev.balanced.example;

import dev.balanced.servlet.UsePrimary;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/** Plain HTML pages: the list, a form, one note; a post redirects to the note it made. */
@RestController
public class NoteController {
  private final NoteService notes;
  private final NoteAuditor auditor;
  private final JdbcTemplate jdbc;

  public NoteController(NoteService notes, NoteAuditor auditor, JdbcTemplate jdbc) {
    this.notes = notes;
    this.auditor = auditor;
    this.jdbc = jdbc;
  }

  @GetMapping(value = "/", produces = "text/html")
  public String index() {
    StringBuilder page =
        new StringBuilder(
            "<!doctype html><title>Notes</title><h1>Notes</h1>"
                + "<form method=post action=/notes><input name=text required>"
                + "<button>Write</button></form><ul>");
    for (Note note : notes.recent()) {
      page.append("<li><a href=/notes/")
          .append(note.getId())
          .append('>')
          .append(HtmlUtils.htmlEscape(note.getText()))
          .append("</a>");
    }
    return page.append("</ul><p><a href=/actuator/health>health</a>").toString();
  }

  /** Post, then redirect: the next page must show the note (read-your-writes). */
  @PostMapping("/notes")
  public ResponseEntity<Void> write(@RequestParam("text") String text) {
    Note note = notes.write(text);
    auditor.audit(note.getId());
    return ResponseEntity.status(HttpStatus.SEE_OTHER)
        .location(URI.create("/notes/" + note.getId()))
        .build();
  }

  @GetMapping(value = "/notes/{id}", produces = "text/html")
  public ResponseEntity<String> note(@PathVariable("id") long id) {
    return notes
        .find(id)
        .map(
            note ->
                ResponseEntity.ok(
                    "<!doctype html><title>Note</title><p id=note>"
                        + HtmlUtils.htmlEscape(note.getText())
                        + "<p><a href=/>all notes</a>"))
        .orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND).body("no such note"));
  }

  /** What the background job found for a note: found, missing, or 404 while it has not run. */
  @GetMapping("/audits/{id}")
  public ResponseEntity<String> audit(@PathVariable("id") long id) {
    String audit = auditor.finding(id);
    return audit == null ? ResponseEntity.notFound().build() : ResponseEntity.ok(audit);
  }

  /** Plain JDBC routes too: a JdbcTemplate read goes to a replica. */
  @GetMapping("/count")
  public long count() {
    Long count = jdbc.queryForObject("select count(*) from note", Long.class);
    return count == null ? 0 : count;
  }

  /** An operator's page that must be exact: every read of it goes to the primary. */
  @UsePrimary
  @GetMapping("/admin/count")
  public long exactCount() {
    return count();
  }
}
