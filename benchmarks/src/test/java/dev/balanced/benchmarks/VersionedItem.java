package dev.balanced.benchmarks;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * A versioned entity: Balanced's post-load check looks further into these than into {@link
 * BenchItem}, so the allocation test loads them.
 */
@Entity
@Table(name = "versioned_item")
public class VersionedItem {
  @Id private Long id;

  private String name;

  @Version private int version;

  protected VersionedItem() {}
}
