package io.github.smartauthorizer.providers.shared;

import java.util.Objects;

/**
 * An OAuth client id and secret for calling an IdP (introspection). {@link #toString()} never shows the secret.
 *
 * @param clientId the client id
 * @param clientSecret the client secret
 */
public record ClientCredentials(String clientId, String clientSecret) {
  public ClientCredentials {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(clientSecret, "clientSecret");
  }

  @Override
  public String toString() {
    return "ClientCredentials[clientId=" + clientId + ", clientSecret=***]";
  }
}
