/**
 * What Balanced's integrations build on: the Hibernate module, the servlet filter, a framework's
 * starter. Applications use {@code dev.balanced} instead; everything under {@code
 * dev.balanced.internal} may change without notice and is not to be used outside the core module
 * (Hibernate's own convention: api, spi, internal).
 */
package dev.balanced.spi;
