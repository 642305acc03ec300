/** Starting Balanced from an integration: settings in, a {@code BalancedRuntime} out. */
package dev.balanced.boot;
