package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.providers.shared.JwksLoopback;
import io.github.smartauthorizer.providers.shared.JwsAlgorithm;
import io.github.smartauthorizer.providers.shared.JwsSigner;
import io.github.smartauthorizer.providers.shared.TestClock;
import io.github.smartauthorizer.providers.shared.TestKeys;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The set-up of the attack tests: an issuer whose JWKS (one key per supported algorithm) is served over loopback, an
 * {@link Authorizer} for the {@code jwks} provider built from {@code AUTHORIZER_*} variables exactly as in Lambda, and
 * an {@link #invoke} that goes through {@link HealthLakeAuthorizerHandler} with a real HealthLake event and reads both
 * the response and the decision log line, so that every test checks the deny and its reason code.
 */
final class AttackHarness implements AutoCloseable {
  static final String ISSUER = "https://issuer.example.com/realms/smart";
  static final String ALGORITHMS = "RS256,PS256,ES256,ES384,EdDSA";

  final TestClock clock = new TestClock();
  final JwksLoopback jwks = new JwksLoopback();
  /** The issuer's keys, generated once per test JVM (RSA key generation is what costs). */
  private static final class Keys {
    static final JwsSigner RS256 = JwsSigner.generate(JwsAlgorithm.RS256, "rsa-1");
    static final JwsSigner PS256 = JwsSigner.generate(JwsAlgorithm.PS256, "ps-1");
    static final JwsSigner ES256 = JwsSigner.generate(JwsAlgorithm.ES256, "ec-1");
    static final JwsSigner ES384 = JwsSigner.generate(JwsAlgorithm.ES384, "ec384-1");
    static final JwsSigner EDDSA = JwsSigner.generate(JwsAlgorithm.EdDSA, "ed-1");
  }

  final JwsSigner rs256 = Keys.RS256;
  final JwsSigner ps256 = Keys.PS256;
  final JwsSigner es256 = Keys.ES256;
  final JwsSigner es384 = Keys.ES384;
  final JwsSigner eddsa = Keys.EDDSA;
  final LambdaFixtures.CapturedStream log = new LambdaFixtures.CapturedStream();
  final Authorizer authorizer;

  AttackHarness(String... extraEnvironment) {
    jwks.serve(TestKeys.jwks(List.of(rs256.publicJwk(), ps256.publicJwk(), es256.publicJwk(), es384.publicJwk(),
        eddsa.publicJwk())));
    authorizer = authorizer(extraEnvironment);
  }

  /** Every signer whose key the issuer publishes. */
  List<JwsSigner> signers() {
    return List.of(rs256, ps256, es256, es384, eddsa);
  }

  /** The environment of the harness's authorizer, plus extra pairs. */
  Map<String, String> environment(String... extra) {
    Map<String, String> env = new HashMap<>();
    env.put("AUTHORIZER_PROVIDER", "jwks");
    env.put("AUTHORIZER_ISSUER", ISSUER);
    env.put("AUTHORIZER_JWKS_URI", jwks.jwksUri().toString());
    env.put("AUTHORIZER_ALGORITHMS", ALGORITHMS);
    env.put("AUTHORIZER_IAM_ROLE_ARN", LambdaFixtures.ROLE);
    for (int i = 0; i + 1 < extra.length; i += 2) {
      env.put(extra[i], extra[i + 1]);
    }
    return env;
  }

  /** Another authorizer over the same issuer and keys, with extra variables. */
  Authorizer authorizer(String... extraEnvironment) {
    return Authorizer.builder().environment(environment(extraEnvironment)).clock(clock).logStream(log.stream).build();
  }

  /** Claims of a valid SMART access token for the data store, issued now by the test clock, valid for an hour. */
  Map<String, Object> claims() {
    long now = clock.epochSecond();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", ISSUER);
    claims.put("sub", "patient-456");
    claims.put("aud", List.of(LambdaFixtures.ENDPOINT));
    claims.put("iat", now);
    claims.put("nbf", now);
    claims.put("exp", now + 3600);
    claims.put("scope", "launch/patient patient/*.rs");
    claims.put("patient", "456");
    return claims;
  }

  /** {@link #claims()} with members replaced ({@code null} removes one). */
  Map<String, Object> claims(Object... pairs) {
    Map<String, Object> claims = claims();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      if (pairs[i + 1] == null) {
        claims.remove((String) pairs[i]);
      } else {
        claims.put((String) pairs[i], pairs[i + 1]);
      }
    }
    return claims;
  }

  /** The claims as JSON text. */
  String claimsJson() {
    return TestKeys.json(claims());
  }

  /** A HealthLake event carrying this bearer token, JSON-escaped whatever it holds. */
  static byte[] event(String bearerToken) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("datastoreEndpoint", LambdaFixtures.ENDPOINT);
    event.put("operationName", "SearchWithGet");
    event.put("bearerToken", bearerToken);
    event.put("datastoreId", LambdaFixtures.DATASTORE_ID);
    event.put("datastoreTypeVersion", "R4");
    return TestKeys.json(event).getBytes(StandardCharsets.UTF_8);
  }

  /** What the handler answered and logged for one event. */
  record Outcome(boolean authorized, String reason, Map<String, Object> response, String logged) {
    /** Asserts a well-formed deny with this reason code, in the response and in the decision log line. */
    Outcome denied(ReasonCode expected) {
      assertFalse(authorized, "must be denied: " + response);
      assertEquals(expected.name(), reason, "reason code; log: " + logged);
      Map<String, Object> payload = LambdaFixtures.authPayload(response);
      assertEquals(Boolean.FALSE, payload.get("isAuthorized"));
      assertEquals("", payload.get("scope"));
      return this;
    }

    Outcome allowed() {
      assertTrue(authorized, "must be allowed; reason " + reason + "; log: " + logged);
      assertEquals(Boolean.TRUE, LambdaFixtures.authPayload(response).get("isAuthorized"));
      return this;
    }
  }

  Outcome invoke(String bearerToken) {
    return invoke(authorizer, event(bearerToken));
  }

  Outcome invoke(Authorizer with, String bearerToken) {
    return invoke(with, event(bearerToken));
  }

  /** Runs one raw event through the handler. */
  Outcome invoke(Authorizer with, byte[] event) {
    LambdaFixtures.Handled handled = LambdaFixtures.handle(with, event, log);
    Map<String, Object> response = handled.response();
    assertNotNull(handled.decisionLine().get("outcome"));
    boolean authorized = "ALLOW".equals(handled.decisionLine().get("outcome"));
    assertEquals(authorized, Boolean.TRUE.equals(LambdaFixtures.authPayload(response).get("isAuthorized")));
    return new Outcome(authorized, handled.reason(), response, log.text());
  }

  @Override
  public void close() {
    jwks.close();
  }
}
