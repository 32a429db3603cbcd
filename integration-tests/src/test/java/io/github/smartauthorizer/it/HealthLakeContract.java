package io.github.smartauthorizer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.it.keycloak.SmartRealm;
import java.util.Map;
import java.util.Set;

/**
 * The HealthLake side of the tests: the event HealthLake sends and what its answer must look like (README, "The
 * HealthLake contract in brief").
 */
final class HealthLakeContract {
  /** The data store the test realms issue tokens for ({@code aud}). */
  static final String ENDPOINT = SmartRealm.DATASTORE_ENDPOINT;
  /** Another data store of the same account, for which no token of the realms is meant. */
  static final String OTHER_ENDPOINT =
      "https://healthlake.us-east-1.amazonaws.com/datastore/fedcba9876543210fedcba9876543210/r4/";
  /** {@code AUTHORIZER_IAM_ROLE_ARN} of every test authorizer. */
  static final String ROLE = "arn:aws:iam::111122223333:role/HealthLakeSmartKeycloak";

  /** Every member an {@code authPayload} may have. */
  static final Set<String> PAYLOAD_MEMBERS =
      Set.of("iss", "aud", "sub", "iat", "nbf", "exp", "isAuthorized", "scope", "fhirUser", "patient");

  private HealthLakeContract() {}

  /** The event HealthLake sends for a FHIR search on a data store. */
  static String event(String endpoint, String token) {
    return "{\"datastoreEndpoint\":\"" + endpoint + "\",\"operationName\":\"SearchWithGet\",\"bearerToken\":\""
        + token + "\"}";
  }

  /**
   * An allow: exactly {@code authPayload} and {@code iamRoleARN}; {@code iss}, {@code sub}, the times (integers,
   * {@code nbf} = the token's {@code nbf}, else {@code iat}: Keycloak issues none), {@code scope} byte for byte, and
   * {@code fhirUser} / {@code patient} exactly when the token has them, all taken from the token's claims;
   * {@code aud} the data store endpoint.
   *
   * @param claims the claims of the access token as Keycloak issued it
   */
  static void assertAuthorized(LambdaUnderTest.Invocation invocation, String issuer, String endpoint,
      Map<String, Object> claims) {
    assertTrue(invocation.authorized(), invocation::toString);
    assertEquals(null, invocation.reason(), invocation::toString);
    assertEquals(Set.of("authPayload", "iamRoleARN"), invocation.response().keySet(), invocation::toString);
    assertEquals(ROLE, invocation.response().get("iamRoleARN"));
    Map<String, Object> payload = invocation.payload();
    assertTrue(PAYLOAD_MEMBERS.containsAll(payload.keySet()), "members outside the contract: " + payload.keySet());
    assertEquals(Boolean.TRUE, payload.get("isAuthorized"), "a JSON boolean");
    assertEquals(issuer, payload.get("iss"));
    assertEquals(issuer, claims.get("iss"));
    assertEquals(endpoint, payload.get("aud"));
    assertEquals(claims.get("sub"), payload.get("sub"));
    assertInstanceOf(String.class, payload.get("sub"));
    assertEquals(assertInstanceOf(Long.class, claims.get("iat")), assertInstanceOf(Long.class, payload.get("iat")));
    assertEquals(claims.getOrDefault("nbf", claims.get("iat")), assertInstanceOf(Long.class, payload.get("nbf")));
    assertEquals(assertInstanceOf(Long.class, claims.get("exp")), assertInstanceOf(Long.class, payload.get("exp")));
    assertEquals(assertInstanceOf(String.class, claims.get("scope")), payload.get("scope"), "scope byte for byte");
    assertEquals(claims.get("fhirUser"), payload.get("fhirUser"));
    assertEquals(claims.get("patient"), payload.get("patient"));
  }

  /**
   * A deny: {@code isAuthorized: false}, {@code scope: ""}, {@code aud} the data store endpoint, {@code iamRoleARN};
   * no identity; the times only when the token was verified before it was refused ({@code withTimes}); and the reason
   * code in the decision log line.
   */
  static void assertDenied(LambdaUnderTest.Invocation invocation, ReasonCode reason, String endpoint,
      boolean withTimes) {
    assertFalse(invocation.authorized(), invocation::toString);
    assertEquals(reason.name(), invocation.reason(), invocation::toString);
    assertEquals("DENY", invocation.decisionLog().get("outcome"));
    assertEquals(Set.of("authPayload", "iamRoleARN"), invocation.response().keySet(), invocation::toString);
    assertEquals(ROLE, invocation.response().get("iamRoleARN"));
    Map<String, Object> payload = invocation.payload();
    assertEquals(Boolean.FALSE, payload.get("isAuthorized"), "a JSON boolean");
    assertEquals("", payload.get("scope"));
    assertEquals(endpoint, payload.get("aud"));
    for (String identity : new String[] {"iss", "sub", "fhirUser", "patient"}) {
      assertFalse(payload.containsKey(identity), identity + " in a deny: " + invocation);
    }
    for (String time : new String[] {"iat", "nbf", "exp"}) {
      if (withTimes) {
        assertInstanceOf(Long.class, payload.get(time), time + " of a verified token: " + invocation);
      } else {
        assertFalse(payload.containsKey(time), time + " of an unverified token: " + invocation);
      }
    }
  }
}
