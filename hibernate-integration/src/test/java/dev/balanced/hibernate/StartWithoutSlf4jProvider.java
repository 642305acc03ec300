package dev.balanced.hibernate;

import dev.balanced.testing.H2Nodes;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.util.Map;

/**
 * Run by {@link Slf4jProviderTest} in a JVM of its own, whose classpath lacks an SLF4J provider:
 * starts Balanced twice, reads through it, and says so on stdout.
 */
public final class StartWithoutSlf4jProvider {
  private StartWithoutSlf4jProvider() {}

  public static void main(String[] args) {
    try (H2Nodes nodes = BalancedH2.nodesWithSchema("replica1")) {
      for (int start = 1; start <= 2; start++) {
        EntityManagerFactory emf = BalancedH2.factory(nodes, Map.of());
        try (emf;
            EntityManager em = emf.createEntityManager()) {
          System.out.println("start " + start + " read " + em.find(Item.class, 1L).getName());
        }
      }
    }
  }
}
