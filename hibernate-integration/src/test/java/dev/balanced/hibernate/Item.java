package dev.balanced.hibernate;

import jakarta.persistence.Cacheable;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PrePersist;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import jakarta.persistence.Version;
import java.util.HashSet;
import java.util.Set;

/**
 * Test entity. Its ids come from {@code node_seq}, which starts at a different value on every node,
 * so an id tells which node served the {@code nextval}.
 */
@Entity
@Table(name = "item")
@Cacheable
public class Item {
  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "node_seq")
  @SequenceGenerator(name = "node_seq", sequenceName = "node_seq", allocationSize = 1)
  private Long id;

  @Column(name = "name")
  private String name;

  @Version private int version;

  @ElementCollection
  @CollectionTable(name = "item_tags", joinColumns = @JoinColumn(name = "item_id"))
  @Column(name = "tag")
  private Set<String> tags = new HashSet<>();

  /**
   * Set by the JPA callbacks, which must survive Balanced's own persist and post-load listeners.
   */
  @Transient private boolean prePersistCalled;

  @Transient private boolean postLoadCalled;

  protected Item() {}

  @PrePersist
  void prePersist() {
    prePersistCalled = true;
  }

  public boolean prePersistCalled() {
    return prePersistCalled;
  }

  @PostLoad
  void postLoad() {
    postLoadCalled = true;
  }

  public boolean postLoadCalled() {
    return postLoadCalled;
  }

  public Item(String name) {
    this.name = name;
  }

  public Long getId() {
    return id;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Set<String> getTags() {
    return tags;
  }
}
