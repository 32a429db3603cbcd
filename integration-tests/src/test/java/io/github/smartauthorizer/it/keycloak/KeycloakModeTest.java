package io.github.smartauthorizer.it.keycloak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class KeycloakModeTest {
  private static final BooleanSupplier DOCKER = () -> true;
  private static final BooleanSupplier NO_DOCKER = () -> false;
  private static final BooleanSupplier NOT_ASKED = () -> {
    throw new AssertionError("Docker must not be probed");
  };

  @Test
  void dockerDecidesWhenNothingIsSet() {
    assertEquals(KeycloakMode.CONTAINER, KeycloakMode.choose(Map.of(), Map.of(), DOCKER).mode());
    KeycloakMode.Choice dist = KeycloakMode.choose(Map.of(), Map.of(), NO_DOCKER);
    assertEquals(KeycloakMode.DIST, dist.mode());
    assertEquals("Keycloak mode: dist (no Docker engine answered; set KEYCLOAK_MODE=container to force)",
        dist.describe());
  }

  @Test
  void theEnvironmentForcesAModeWithoutProbingDocker() {
    assertEquals(KeycloakMode.CONTAINER,
        KeycloakMode.choose(Map.of("KEYCLOAK_MODE", "container"), Map.of(), NOT_ASKED).mode());
    assertEquals(KeycloakMode.DIST, KeycloakMode.choose(Map.of("KEYCLOAK_MODE", " DIST "), Map.of(), NOT_ASKED).mode());
  }

  @Test
  void theSystemPropertyWinsOverTheEnvironment() {
    KeycloakMode.Choice choice = KeycloakMode.choose(Map.of("KEYCLOAK_MODE", "container"),
        Map.of("keycloak.mode", "dist"), NOT_ASKED);
    assertEquals(KeycloakMode.DIST, choice.mode());
    assertTrue(choice.reason().contains("-Dkeycloak.mode=dist"), choice.reason());
  }

  @Test
  void aKeycloakUrlMeansExternal() {
    assertEquals(KeycloakMode.EXTERNAL,
        KeycloakMode.choose(Map.of("KEYCLOAK_URL", "http://127.0.0.1:8080"), Map.of(), NOT_ASKED).mode());
  }

  @Test
  void anUnknownModeIsAnError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KeycloakMode.choose(Map.of("KEYCLOAK_MODE", "docker"), Map.of(), NOT_ASKED));
    assertEquals("KEYCLOAK_MODE=docker is not one of container, dist, external", e.getMessage());
  }
}
