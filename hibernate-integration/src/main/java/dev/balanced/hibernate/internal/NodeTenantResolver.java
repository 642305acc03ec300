package dev.balanced.hibernate.internal;

import org.hibernate.context.spi.CurrentTenantIdentifierResolver;

/**
 * The tenant of sessions Hibernate opens for itself and of sessions opened past Balanced (stateless
 * sessions, {@code getCurrentSession()}): the primary, with no routing. Sessions opened through
 * Balanced name their {@link NodeTenant} explicitly, so Hibernate never asks this for them.
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
