package dev.balanced.hibernate.internal;

import org.hibernate.context.spi.CurrentTenantIdentifierResolver;

/**
 * The tenant of sessions Hibernate opens for itself and of sessions opened past Balanced ({@code
 * withStatelessOptions()}): the primary, with no routing. Hibernate asks this for every session
 * builder; Balanced's own sessions then replace the answer with their {@link NodeTenant}.
 */
final class NodeTenantResolver implements CurrentTenantIdentifierResolver<NodeTenant> {

  @Override
  public NodeTenant resolveCurrentTenantIdentifier() {
    return NodeTenant.PRIMARY;
  }

  @Override
  public boolean validateExistingCurrentSessions() {
    return false;
  }
}
