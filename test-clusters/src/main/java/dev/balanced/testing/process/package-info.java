/**
 * What the PostgreSQL and MariaDB test clusters share: running server programs (as an unprivileged
 * user when the JVM is root), free loopback ports, log tails, deleting their directories, and the
 * watchdog that cleans up after a killed JVM. Public for the harness's own packages, not an API.
 */
package dev.balanced.testing.process;
