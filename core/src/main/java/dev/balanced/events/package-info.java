/**
 * What Balanced decides, as events for code: {@link dev.balanced.events.BalancedListener} and the
 * immutable events it receives.
 */
package dev.balanced.events;
