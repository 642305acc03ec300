package dev.balanced.benchmarks;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/** The entity of the Hibernate benchmarks: a small row, ids from a pooled sequence. */
@Entity
@Table(name = "bench_item")
public class BenchItem {
  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "bench_item_seq")
  @SequenceGenerator(
      name = "bench_item_seq",
      sequenceName = "bench_item_seq",
      allocationSize = H2Bench.SEQUENCE_INCREMENT)
  private Long id;

  private String name;

  private long amount;

  protected BenchItem() {}

  public BenchItem(String name, long amount) {
    this.name = name;
    this.amount = amount;
  }

  public Long getId() {
    return id;
  }

  public String getName() {
    return name;
  }

  public long getAmount() {
    return amount;
  }
}
