package dev.balanced.example;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableAsync;

/**
 * Notes: write a note, be redirected to it, see it although the replica has not replayed it yet.
 * Nothing in this application knows about replicas; balanced-spring-boot-starter and the {@code
 * balanced.*} properties do it all.
 */
@SpringBootApplication
@EnableAsync
public class NotesApplication {
  public static void main(String[] args) {
    SpringApplication.run(NotesApplication.class, args);
  }
}
