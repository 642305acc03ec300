package dev.balanced.example;

import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** What the controllers call; read-only transactions read from a replica. */
@Service
public class NoteService {
  private final NoteRepository notes;

  public NoteService(NoteRepository notes) {
    this.notes = notes;
  }

  @Transactional(readOnly = true)
  public List<Note> recent() {
    return notes.findTop20ByOrderByIdDesc();
  }

  @Transactional(readOnly = true)
  public Optional<Note> find(long id) {
    return notes.findById(id);
  }

  @Transactional
  public Note write(String text) {
    return notes.save(new Note(text));
  }

  /** A mistake Balanced refuses: a write inside a read-only transaction. */
  @Transactional(readOnly = true)
  public Note writeInReadOnlyTransaction(String text) {
    return notes.saveAndFlush(new Note(text));
  }
}
