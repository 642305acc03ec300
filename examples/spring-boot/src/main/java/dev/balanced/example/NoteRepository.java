package dev.balanced.example;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

/** Spring Data JPA: its finders run in read-only transactions, so they read from a replica. */
public interface NoteRepository extends JpaRepository<Note, Long> {
  List<Note> findTop20ByOrderByIdDesc();
}
