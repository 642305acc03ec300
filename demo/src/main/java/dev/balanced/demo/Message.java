package dev.balanced.demo;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A message left for the next visitor. */
@Entity
@Table(name = "message")
public class Message {
  /** Longer messages are refused: this is a toy, not a pastebin. */
  public static final int MAX_LENGTH = 500;

  @Id @GeneratedValue private Long id;

  @Column(name = "text", length = MAX_LENGTH, nullable = false)
  private String text;

  @Column(name = "posted_at", nullable = false)
  private Instant postedAt;

  protected Message() {}

  public Message(String text, Instant postedAt) {
    this.text = text;
    this.postedAt = postedAt;
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
