/**
 * Balanced's metrics through Micrometer, an optional dependency: nothing here is loaded unless an
 * application registers {@link dev.balanced.metrics.BalancedMetrics} or sets {@code
 * hibernate.balanced.metrics=true}.
 */
package dev.balanced.metrics;
