package dev.balanced.example;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Component;

/**
 * A background job after each new note: it runs on another thread, after the request answered, and
 * must still find the note although the replica may not have it yet. Balanced's task decorator
 * hands the request's consistency token to the job.
 */
@Component
public class NoteAuditor {
  private final NoteService notes;
  private final Map<Long, String> audits = new ConcurrentHashMap<>();

  public NoteAuditor(NoteService notes) {
    this.notes = notes;
  }

  @Async
  public void audit(long id) {
    audits.put(id, notes.find(id).isPresent() ? "found" : "missing");
  }

  /** The job's finding for note {@code id}, or {@code null} while it has not run. */
  public String finding(long id) {
    return audits.get(id);
  }
}
