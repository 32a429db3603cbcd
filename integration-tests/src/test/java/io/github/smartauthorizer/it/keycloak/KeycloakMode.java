package io.github.smartauthorizer.it.keycloak;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** How the tests get their Keycloak. */
public enum KeycloakMode {
  /** Testcontainers with the official image; the default where a Docker engine answers. */
  CONTAINER,
  /** The official distribution zip, resolved by Maven, unpacked once and run as a local process; the default otherwise. */
  DIST,
  /** A Keycloak someone else runs, at {@code KEYCLOAK_URL}, with the test realms already imported. */
  EXTERNAL;

  static final String MODE_ENV = "KEYCLOAK_MODE";
  static final String MODE_PROPERTY = "keycloak.mode";
  static final String URL_ENV = "KEYCLOAK_URL";
  static final String URL_PROPERTY = "keycloak.url";

  /** A chosen mode and why, for the one line the run prints. */
  record Choice(KeycloakMode mode, String reason) {
    String describe() {
      return "Keycloak mode: " + mode.name().toLowerCase(Locale.ROOT) + " (" + reason + ")";
    }
  }

  /**
   * Chooses the mode: the system property {@code keycloak.mode}, else the environment variable
   * {@code KEYCLOAK_MODE}; without either, {@code external} when {@code KEYCLOAK_URL} is set, {@code container} when a
   * Docker engine answers, else {@code dist}.
   *
   * @param dockerAnswers asked only when nothing else decides
   */
  static Choice choose(Map<String, String> env, Map<String, String> properties, BooleanSupplier dockerAnswers) {
    String explicit = properties.get(MODE_PROPERTY);
    String source = "-D" + MODE_PROPERTY;
    if (isBlank(explicit)) {
      explicit = env.get(MODE_ENV);
      source = MODE_ENV;
    }
    if (!isBlank(explicit)) {
      KeycloakMode mode = parse(explicit.strip(), source);
      return new Choice(mode, source + "=" + explicit.strip());
    }
    if (!isBlank(properties.get(URL_PROPERTY)) || !isBlank(env.get(URL_ENV))) {
      return new Choice(EXTERNAL, URL_ENV + " is set");
    }
    if (dockerAnswers.getAsBoolean()) {
      return new Choice(CONTAINER, "a Docker engine answered; set " + MODE_ENV + "=dist to use the distribution");
    }
    return new Choice(DIST, "no Docker engine answered; set " + MODE_ENV + "=container to force");
  }

  private static KeycloakMode parse(String value, String source) {
    for (KeycloakMode mode : values()) {
      if (mode.name().equalsIgnoreCase(value)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(source + "=" + value + " is not one of container, dist, external");
  }

  /** Whether {@code docker info} answers within 3 s, i.e. a Docker engine (not only the CLI) is reachable. */
  static boolean dockerEngineAnswers() {
    Process process;
    try {
      process = new ProcessBuilder("docker", "info", "--format", "{{.ServerVersion}}")
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException noDockerCli) {
      return false;
    }
    try {
      if (!process.waitFor(3, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      return process.exitValue() == 0;
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
