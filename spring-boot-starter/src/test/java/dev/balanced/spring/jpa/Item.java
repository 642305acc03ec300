package dev.balanced.spring.jpa;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/** A row whose name says which node it was read from: "item-1@r1". */
@Entity
public class Item {
  @Id private Long id;

  private String name;

  protected Item() {}

  public Item(Long id, String name) {
    this.id = id;
    this.name = name;
  }

  public String getName() {
    return name;
  }
}
