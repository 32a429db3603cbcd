package io.github.smartauthorizer.providers.keycloak;

import static io.github.smartauthorizer.providers.shared.TestRequests.DATASTORE_ENDPOINT;

import io.github.smartauthorizer.providers.shared.TestClock;
import io.github.smartauthorizer.providers.shared.TestKeys;
import io.github.smartauthorizer.providers.shared.TestTokens;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tokens, introspection answers and a certs document shaped exactly like those of Keycloak 26.x for the realm of
 * providers.md §3.7 ({@code smart}: public client {@code smart-app}, confidential client {@code healthlake-backend},
 * the {@code fhir-audience} scope putting the data store endpoint and {@code healthlake-backend} in {@code aud}),
 * signed with the realm's RS256 key. The claim sets are those of §3.1 and §3.2; Keycloak sets no {@code nbf}.
 */
final class KeycloakTokens {
  static final String REALM = "smart";
  /** Keycloak's kids are base64url SHA-256 thumbprints of the key. */
  static final String KID = "Yq2N1m3cJ0Q3bQ1h8Y0pC9m2mQ6C3wq1k0yqG2sE0sY";
  static final String ENC_KID = "b7bUHQ0kq1o4y3qg3mHkJ0t6oE9h8fQ0vXn3a2bqk8A";
  static final String SMART_APP = "smart-app";
  static final String BACKEND = "healthlake-backend";
  static final String USER_ID = "3c5e1f0a-7b9d-4c2e-9a61-0f8e2d4b6a13";
  static final String SERVICE_ACCOUNT_ID = "9b2f7c44-1e3a-4d5b-8c6f-2a1b0c9d8e7f";
  static final String SESSION_ID = "5d0b2a7e-84f1-4b3c-9e2d-6a7f1c0b3e58";
  static final String USER_SCOPE = "openid user/Observation.rs patient/*.read fhirUser launch/patient";

  private final TestClock clock;
  private final String issuer;
  private final TestTokens signer;

  KeycloakTokens(TestClock clock, String issuer, TestTokens signer) {
    this.clock = clock;
    this.issuer = issuer;
    this.signer = signer;
  }

  /** The audiences the {@code fhir-audience} client scope adds. */
  static List<String> fhirAudience() {
    return List.of(DATASTORE_ENDPOINT, BACKEND);
  }

  /** A user's access token claims (code flow with PKCE by {@code smart-app}), as verified on 26.7.3. */
  Map<String, Object> userAccessToken() {
    long now = clock.epochSecond();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("exp", now + 300);
    claims.put("iat", now);
    claims.put("auth_time", now - 4);
    claims.put("jti", "onrtac:1f6d6a58-3c2b-4f3e-8f0a-0c7d2e9b4a61");
    claims.put("iss", issuer);
    claims.put("aud", fhirAudience());
    claims.put("sub", USER_ID);
    claims.put("typ", "Bearer");
    claims.put("azp", SMART_APP);
    claims.put("sid", SESSION_ID);
    claims.put("scope", USER_SCOPE);
    claims.put("patient", "example-patient-1");
    claims.put("fhirUser", "Patient/example-patient-1");
    return claims;
  }

  /**
   * A user's access token claims in a realm that keeps the built-in {@code roles} scope: realm roles, client roles,
   * and the {@code account} audience Keycloak's audience resolution adds.
   */
  Map<String, Object> userAccessTokenWithRoles() {
    Map<String, Object> claims = userAccessToken();
    claims.put("aud", List.of(DATASTORE_ENDPOINT, BACKEND, "account"));
    claims.put("realm_access", Map.of("roles", List.of("default-roles-smart", "offline_access", "uma_authorization",
        "clinician")));
    Map<String, Object> resourceAccess = new LinkedHashMap<>();
    resourceAccess.put(BACKEND, Map.of("roles", List.of("fhir-reader")));
    resourceAccess.put("account", Map.of("roles", List.of("manage-account", "manage-account-links", "view-profile")));
    claims.put("resource_access", resourceAccess);
    return claims;
  }

  /** A service account's token claims ({@code client_credentials} by {@code healthlake-backend}). */
  Map<String, Object> serviceAccountToken() {
    long now = clock.epochSecond();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("exp", now + 300);
    claims.put("iat", now);
    claims.put("jti", "trrtcc:7a0e5c9b-2d41-4b8f-a3c6-1e9d0f2b5c74");
    claims.put("iss", issuer);
    claims.put("aud", fhirAudience());
    claims.put("sub", SERVICE_ACCOUNT_ID);
    claims.put("typ", "Bearer");
    claims.put("azp", BACKEND);
    claims.put("scope", "system/*.read");
    claims.put("clientHost", "127.0.0.1");
    claims.put("preferred_username", "service-account-" + BACKEND);
    claims.put("clientAddress", "127.0.0.1");
    claims.put("client_id", BACKEND);
    return claims;
  }

  /** The ID token claims of the same login: {@code aud} is the client, {@code typ} is {@code ID}. */
  Map<String, Object> idToken() {
    long now = clock.epochSecond();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("exp", now + 300);
    claims.put("iat", now);
    claims.put("auth_time", now - 4);
    claims.put("jti", "onrtac:2b8e4f1d-6c3a-4e7b-9d0f-5a1c8e2b7d96");
    claims.put("iss", issuer);
    claims.put("aud", SMART_APP);
    claims.put("sub", USER_ID);
    claims.put("typ", "ID");
    claims.put("azp", SMART_APP);
    claims.put("nonce", "n-0S6_WzA2Mj");
    claims.put("sid", SESSION_ID);
    claims.put("at_hash", "x7tPIJ6nLqSMz1rI3mB8dA");
    claims.put("email_verified", true);
    claims.put("fhirUser", "Patient/example-patient-1");
    claims.put("name", "Pat Ient");
    claims.put("preferred_username", "patient1");
    claims.put("given_name", "Pat");
    claims.put("family_name", "Ient");
    claims.put("email", "patient1@example.org");
    return claims;
  }

  /** Refresh token claims: {@code typ} {@code Refresh} (or {@code Offline} with {@code offline_access}). */
  Map<String, Object> refreshToken(String typ) {
    long now = clock.epochSecond();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("exp", now + 1800);
    claims.put("iat", now);
    claims.put("jti", "4e9d1b7a-0c2f-4a8e-b6d3-7f1e2c5a9b08");
    claims.put("iss", issuer);
    claims.put("aud", issuer);
    claims.put("sub", USER_ID);
    claims.put("typ", typ);
    claims.put("azp", SMART_APP);
    claims.put("sid", SESSION_ID);
    claims.put("scope", "openid fhirUser launch/patient patient/*.read user/Observation.rs basic");
    return claims;
  }

  /**
   * Signs with the realm key under Keycloak's default header {@code {"alg":"RS256","typ":"JWT","kid":...}}, exactly
   * these bytes.
   */
  String sign(Map<String, Object> claims) {
    return sign("JWT", claims);
  }

  /** Signs with a header {@code typ} of choice ({@code at+jwt} with the 26.2 per-client opt-in). */
  String sign(String headerTyp, Map<String, Object> claims) {
    String header = "{\"alg\":\"RS256\",\"typ\":\"" + headerTyp + "\",\"kid\":\"" + KID + "\"}";
    return signer.signRaw(header, TestKeys.json(claims));
  }

  /** A refresh token as Keycloak really signs it: HS512 with the realm's HMAC key. */
  static String signHs512(Map<String, Object> claims) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", "HS512");
    header.put("typ", "JWT");
    header.put("kid", "e3b0c442-98fc-4c14-9afb-f4c8996fb924");
    return TestTokens.signHmac("HmacSHA512",
        "realm-hmac-generated-secret-of-sixty-four-bytes-0123456789abcdef".getBytes(StandardCharsets.UTF_8),
        TestKeys.json(header), TestKeys.json(claims));
  }

  /**
   * The realm's certs document: the RS256 signing key and the RSA-OAEP encryption key, each with the certificate
   * members Keycloak adds ({@code x5c}, {@code x5t}, {@code x5t#S256}; placeholders here, which a JWKS consumer must
   * not use anyway).
   */
  static byte[] certs(RSAPublicKey signing, RSAPublicKey encryption) {
    Map<String, Object> enc = new LinkedHashMap<>();
    enc.put("kid", ENC_KID);
    enc.putAll(TestKeys.rsaJwk(encryption));
    enc.put("alg", "RSA-OAEP");
    enc.put("use", "enc");
    certificateMembers(enc);
    Map<String, Object> sig = new LinkedHashMap<>();
    sig.put("kid", KID);
    sig.putAll(TestKeys.rsaJwk(signing));
    sig.put("alg", "RS256");
    sig.put("use", "sig");
    certificateMembers(sig);
    return TestKeys.jwks(enc, sig);
  }

  private static void certificateMembers(Map<String, Object> jwk) {
    jwk.put("x5c", List.of("MIIClzCCAX8CBgGUc2Vj4TANBgkqhkiG9w0BAQsFADAPMQ0wCwYDVQQDDARzbWFydDAeFw0yNTAxMDEwMDAwMDBa"));
    jwk.put("x5t", "Zm9vYmFyYmF6cXV4cXV1eGNvcmdl");
    jwk.put("x5t#S256", "c2hhMjU2LXRodW1icHJpbnQtcGxhY2Vob2xkZXItdmFsdWU");
  }

  /**
   * Keycloak's introspection answer for an active access token (§3.1): the token's basic claims and the mapper claims
   * marked for introspection, plus {@code client_id} (= {@code azp}), {@code username}, {@code token_type} and
   * {@code active}; no {@code nbf}.
   */
  static Map<String, Object> introspectionAnswer(Map<String, Object> tokenClaims, String username) {
    Map<String, Object> answer = new LinkedHashMap<>(tokenClaims);
    answer.put("client_id", tokenClaims.get("azp"));
    answer.put("username", username);
    answer.put("token_type", "Bearer");
    answer.put("active", true);
    return answer;
  }
}
