package io.github.smartauthorizer.it.keycloak;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * A Keycloak someone else runs, at {@code KEYCLOAK_URL} (or {@code -Dkeycloak.url}), for example
 * {@code http://127.0.0.1:8080}. Both realm files of {@code src/test/resources/keycloak/} must be imported there, and
 * the master-realm administrator must be {@code admin}/{@code admin} unless {@code KEYCLOAK_ADMIN_USERNAME} and
 * {@code KEYCLOAK_ADMIN_PASSWORD} say otherwise. It is never stopped; tests that stop Keycloak are skipped.
 */
final class ExternalBackend implements Backend {
  private final URI base;

  ExternalBackend() {
    String url = System.getProperty(KeycloakMode.URL_PROPERTY, System.getenv(KeycloakMode.URL_ENV));
    if (url == null || url.isBlank()) {
      throw new IllegalStateException("Keycloak mode external needs " + KeycloakMode.URL_ENV
          + " (the base URL, e.g. http://127.0.0.1:8080)");
    }
    String trimmed = url.strip();
    base = URI.create(trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed);
  }

  @Override
  public URI start() throws IOException, InterruptedException {
    for (String realm : new String[] {SmartRealm.REALM, SmartRealm.OTHER_REALM}) {
      URI discovery = URI.create(base + "/realms/" + realm + "/.well-known/openid-configuration");
      int status;
      try {
        status = Http.get(discovery, Duration.ofSeconds(10)).statusCode();
      } catch (IOException e) {
        throw new IllegalStateException("the external Keycloak at " + base + " does not answer: " + e, e);
      }
      if (status != 200) {
        throw new IllegalStateException("the external Keycloak at " + base + " answers " + status + " for realm '"
            + realm + "': import integration-tests/src/test/resources/keycloak/" + realm + "-realm.json there");
      }
    }
    System.out.println("Keycloak (external) at " + base);
    return base;
  }

  @Override
  public void stop() {
    // not ours
  }

  @Override
  public boolean canStop() {
    return false;
  }
}
