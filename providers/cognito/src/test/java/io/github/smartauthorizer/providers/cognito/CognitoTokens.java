package io.github.smartauthorizer.providers.cognito;

import io.github.smartauthorizer.providers.shared.TestClock;
import io.github.smartauthorizer.providers.shared.TestKeys;
import io.github.smartauthorizer.providers.shared.TestTokens;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tokens and a JWKS shaped exactly like those of an Amazon Cognito user pool (providers.md §4): the header is
 * {@code {"kid":...,"alg":"RS256"}} (no {@code typ}); the pool has two RSA keys, one for ID tokens and one for access
 * tokens; access tokens carry {@code token_use: access}, {@code client_id}, a space-separated {@code scope} and no
 * {@code aud} or {@code nbf}; a pre-token-generation trigger (V2) added {@code fhirUser} and {@code patient}.
 */
final class CognitoTokens {
  static final String POOL_ID = "us-east-1_AbCdEf123";
  static final String ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/" + POOL_ID;
  /** Cognito's kids are base64 (not base64url) thumbprints, with {@code +}, {@code /} and {@code =}. */
  static final String ACCESS_KID = "rXkD5tG3QnZ0s7kGqYz1Tj+M8Wg2E6pL9vN4hB0cU/s=";
  static final String ID_KID = "Hq7Vb2Lw9Xe4Kp1Zr6Tn3Ym8Uc5Ja0Fd7Gs2Io4Eh+k=";
  static final String APP_CLIENT = "4l2kcp5ap0i6ub9n7dh7evk8nq";
  static final String M2M_CLIENT = "7sd2h0b5o3qk1v8m4n6c9p2ra1";
  static final String USER_SUB = "c4a8e4b8-1071-70f4-8a3e-2c6d9e5f1b07";
  static final String RESOURCE_SERVER = "https://fhir.example.com";
  static final String USER_SCOPE = "openid " + RESOURCE_SERVER + "/launch/patient " + RESOURCE_SERVER
      + "/patient/*.read " + RESOURCE_SERVER + "/fhirUser";

  private final TestClock clock;
  private final String issuer;
  private final TestTokens accessSigner;
  private final TestTokens idSigner;

  CognitoTokens(TestClock clock, String issuer, KeyPair accessKey, KeyPair idKey) {
    this.clock = clock;
    this.issuer = issuer;
    this.accessSigner = TestTokens.rs256(ACCESS_KID, accessKey);
    this.idSigner = TestTokens.rs256(ID_KID, idKey);
  }

  /** The pool's JWKS: the ID-token key and the access-token key, as Cognito publishes them. */
  static byte[] jwks(KeyPair accessKey, KeyPair idKey) {
    return TestKeys.jwks(jwk(idKey, ID_KID), jwk(accessKey, ACCESS_KID));
  }

  private static Map<String, Object> jwk(KeyPair key, String kid) {
    Map<String, Object> rsa = TestKeys.rsaJwk((RSAPublicKey) key.getPublic());
    Map<String, Object> jwk = new LinkedHashMap<>();
    jwk.put("alg", "RS256");
    jwk.put("e", rsa.get("e"));
    jwk.put("kid", kid);
    jwk.put("kty", "RSA");
    jwk.put("n", rsa.get("n"));
    jwk.put("use", "sig");
    return jwk;
  }

  /** A user's access token (authorization code grant by the SMART app client). */
  Map<String, Object> userAccessToken() {
    long now = clock.epochSecond();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("sub", USER_SUB);
    claims.put("cognito:groups", List.of("clinicians", "fhir-readers"));
    claims.put("iss", issuer);
    claims.put("version", 2);
    claims.put("client_id", APP_CLIENT);
    claims.put("origin_jti", "5b1f2c4e-8d3a-4f6b-9e0c-7a2d1b8f3c65");
    claims.put("event_id", "e7c1d2a3-4b5f-4c6d-8e9f-0a1b2c3d4e5f");
    claims.put("token_use", "access");
    claims.put("scope", USER_SCOPE);
    claims.put("auth_time", now - 2);
    claims.put("exp", now + 3600);
    claims.put("iat", now);
    claims.put("jti", "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a");
    claims.put("username", "patient1");
    claims.put("fhirUser", "Patient/example-patient-1");
    claims.put("patient", "example-patient-1");
    return claims;
  }

  /** A machine-to-machine access token ({@code client_credentials}): {@code sub} is the client, no user claims. */
  Map<String, Object> m2mAccessToken() {
    long now = clock.epochSecond();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("sub", M2M_CLIENT);
    claims.put("token_use", "access");
    claims.put("scope", RESOURCE_SERVER + "/system/*.read");
    claims.put("auth_time", now);
    claims.put("iss", issuer);
    claims.put("exp", now + 3600);
    claims.put("iat", now);
    claims.put("version", 2);
    claims.put("jti", "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d");
    claims.put("client_id", M2M_CLIENT);
    return claims;
  }

  /** The ID token of the same login: {@code aud} is the app client, {@code token_use} is {@code id}. */
  Map<String, Object> idToken() {
    long now = clock.epochSecond();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("at_hash", "bW9jay1hdC1oYXNoLXZhbHVl");
    claims.put("sub", USER_SUB);
    claims.put("cognito:groups", List.of("clinicians", "fhir-readers"));
    claims.put("email_verified", true);
    claims.put("iss", issuer);
    claims.put("cognito:username", "patient1");
    claims.put("origin_jti", "5b1f2c4e-8d3a-4f6b-9e0c-7a2d1b8f3c65");
    claims.put("aud", APP_CLIENT);
    claims.put("event_id", "e7c1d2a3-4b5f-4c6d-8e9f-0a1b2c3d4e5f");
    claims.put("token_use", "id");
    claims.put("auth_time", now - 2);
    claims.put("custom:fhirUser", "Patient/example-patient-1");
    claims.put("exp", now + 3600);
    claims.put("iat", now);
    claims.put("jti", "0c9b8a7f-6e5d-4c3b-a291-8f7e6d5c4b3a");
    claims.put("email", "patient1@example.org");
    return claims;
  }

  /** Signs with the access-token key under Cognito's header, exactly {@code {"kid":...,"alg":"RS256"}}. */
  String signAccess(Map<String, Object> claims) {
    return accessSigner.signRaw("{\"kid\":\"" + ACCESS_KID + "\",\"alg\":\"RS256\"}", TestKeys.json(claims));
  }

  /** Signs with the ID-token key, as Cognito signs ID tokens. */
  String signId(Map<String, Object> claims) {
    return idSigner.signRaw("{\"kid\":\"" + ID_KID + "\",\"alg\":\"RS256\"}", TestKeys.json(claims));
  }
}
