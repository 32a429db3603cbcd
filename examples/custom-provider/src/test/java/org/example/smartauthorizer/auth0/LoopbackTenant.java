package org.example.smartauthorizer.auth0;

import io.github.smartauthorizer.providers.shared.JwksLoopback;
import io.github.smartauthorizer.providers.shared.JwsAlgorithm;
import io.github.smartauthorizer.providers.shared.JwsSigner;
import io.github.smartauthorizer.providers.shared.TestKeys;
import io.github.smartauthorizer.providers.shared.TestRequests;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for an Auth0 tenant on 127.0.0.1, from the toolkit's test helpers: an issuer with Auth0's trailing
 * slash, whose JWKS the loopback server answers at {@code /.well-known/jwks.json}, and RS256 access tokens shaped like
 * Auth0's (default dialect), signed by the tenant's key.
 */
final class LoopbackTenant implements AutoCloseable {
  static final String KID = "auth0-key-1";
  static final String ENDPOINT = TestRequests.DATASTORE_ENDPOINT;

  final JwksLoopback server = new JwksLoopback();
  final JwsSigner signer = JwsSigner.generate(JwsAlgorithm.RS256, KID);

  LoopbackTenant() {
    server.serve(TestKeys.jwks(signer.publicJwk()));
  }

  /** {@code http://127.0.0.1:{port}/}: with the trailing slash, as Auth0's issuers have it. */
  String issuer() {
    return server.uri("/").toString();
  }

  /** The claims of a user access token for the data store, issued at {@code now}, valid for an hour. */
  Map<String, Object> claims(long now) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", issuer());
    claims.put("sub", "auth0|patient-456");
    claims.put("aud", List.of(ENDPOINT, issuer() + "userinfo"));
    claims.put("iat", now);
    claims.put("exp", now + 3600);
    claims.put("azp", "smart-app-client");
    claims.put("scope", "openid fhirUser launch/patient patient/Observation.rs");
    claims.put("fhirUser", "Patient/456");
    claims.put("launch_response_patient", "456");
    return claims;
  }

  String token(Map<String, Object> claims) {
    return signer.sign(claims);
  }

  /** A HealthLake event for the data store carrying this token, as one JSON line. */
  static String event(String token) {
    return TestKeys.json(Map.of("datastoreEndpoint", ENDPOINT, "operationName", "SearchWithGet", "bearerToken", token));
  }

  @Override
  public void close() {
    server.close();
  }
}
