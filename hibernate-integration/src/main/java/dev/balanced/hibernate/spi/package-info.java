/**
 * What frameworks that embed Balanced's Hibernate integration need from it; applications use {@code
 * dev.balanced} instead.
 */
package dev.balanced.hibernate.spi;
