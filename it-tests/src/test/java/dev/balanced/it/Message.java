package dev.balanced.it;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import java.time.Instant;

/** A message on a board: the entity of the persistence.xml tests. */
@Entity
public class Message {
  @Id @GeneratedValue private Long id;

  private String text;

  private Instant postedAt;

  protected Message() {}

  public Message(String text) {
    this.text = text;
    this.postedAt = Instant.now();
  }

  public Long getId() {
    return id;
  }

  public String getText() {
    return text;
  }

  public Instant getPostedAt() {
    return postedAt;
  }
}
