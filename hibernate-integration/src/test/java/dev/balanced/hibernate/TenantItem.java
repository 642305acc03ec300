package dev.balanced.hibernate;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.TenantId;

/** An entity of a multi-tenant application, which Balanced cannot serve. */
@Entity
@Table(name = "tenant_item")
public class TenantItem {
  @Id private Long id;

  @TenantId private String tenant;
}
