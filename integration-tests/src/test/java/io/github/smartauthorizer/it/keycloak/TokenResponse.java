package io.github.smartauthorizer.it.keycloak;

import java.util.Map;

/**
 * A successful token endpoint answer.
 *
 * @param accessToken the access token (a JWS)
 * @param scope the granted scope, as the token endpoint reported it
 * @param json the whole answer ({@code refresh_token}, {@code id_token}, {@code expires_in}...)
 */
public record TokenResponse(String accessToken, String scope, Map<String, Object> json) {
  /** The access token's decoded header. */
  public Map<String, Object> header() {
    return Jwts.header(accessToken);
  }

  /** The access token's decoded claim set. */
  public Map<String, Object> claims() {
    return Jwts.payload(accessToken);
  }

  @Override
  public String toString() {
    return "TokenResponse[scope=" + scope + "]"; // never the token itself
  }
}
