package dev.balanced.spring.jpa;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/** A plain Boot application with Spring Data JPA, Flyway and scheduling, and the starter. */
@SpringBootApplication
@EnableScheduling
public class JpaApplication {}
