package io.github.smartauthorizer.providers.shared;

import static io.github.smartauthorizer.providers.shared.TestRequests.DATASTORE_ENDPOINT;
import static io.github.smartauthorizer.providers.shared.TestRequests.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.ValidationResult;
import io.github.smartauthorizer.api.spi.ValidatorCounters;
import io.github.smartauthorizer.api.spi.ValidatorDiagnostics;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle hooks of {@link JwtValidator} (prime, refresh after a restore, diagnostics, counters), built as a
 * provider builds it ({@link JwtSettings#configure}) against a JWKS on loopback whose requests are counted.
 */
class JwtValidatorLifecycleTest {
  private static final String ISSUER = "https://idp.example.com";
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final TestClock clock = new TestClock();
  private final JwsSigner key = JwsSigner.generate(JwsAlgorithm.RS256, "rsa-1");
  private JwksLoopback jwks;

  @BeforeEach
  void start() {
    jwks = new JwksLoopback().serve(TestKeys.jwks(List.of(key.publicJwk())));
  }

  @AfterEach
  void stop() {
    jwks.close();
  }

  private JwtValidator validator(JwksLocation location, String... extra) {
    Map<String, String> variables = new HashMap<>();
    variables.put("AUTHORIZER_ALGORITHMS", "RS256,ES256");
    for (int i = 0; i < extra.length; i += 2) {
      variables.put(extra[i], extra[i + 1]);
    }
    return JwtSettings.configure(TestProviderContext.of(variables, clock), ISSUER, location).build();
  }

  private JwtValidator validator() {
    return validator(JwksLocation.fixed(jwks.jwksUri()));
  }

  private String token(JwsSigner signer) {
    return signer.sign(TestTokens.claims(ISSUER, DATASTORE_ENDPOINT, clock.epochSecond(), 300));
  }

  @Test
  void primeFetchesTheKeysOnceAndReportsThem() {
    JwtValidator validator = validator();

    validator.prime(TIMEOUT);

    assertEquals(1, jwks.requestCount(), "the prefetch, and nothing for the decision path: " + jwks.requests());
    ValidatorDiagnostics diagnostics = validator.diagnostics();
    assertEquals("JWTs verified locally against the issuer's JWKS", diagnostics.validation());
    assertEquals(List.of(jwks.jwksUri().toString()), diagnostics.endpoints());
    assertEquals("1 verification key cached after 1 fetch", diagnostics.state());
    assertTrue(diagnostics.ready(), diagnostics.problems().toString());
    assertEquals(new ValidatorCounters(1, 0, 0), validator.counters());
  }

  @Test
  void afterPrimingARealTokenIsDecidedWithoutAnotherFetch() {
    JwtValidator validator = validator();
    validator.prime(TIMEOUT);
    String token = token(key);

    assertInstanceOf(ValidationResult.Accepted.class, validator.validate(token, request(token)));

    assertEquals(1, jwks.requestCount());
  }

  @Test
  void theDecisionPathRunsWithoutTheNetworkForEveryAllowedPrimingAlgorithm() {
    JwtValidator both = validator();
    JwtValidator rsaOnly = validator(JwksLocation.fixed(jwks.jwksUri()), "AUTHORIZER_ALGORITHMS", "RS256");
    JwtValidator typed = validator(JwksLocation.fixed(jwks.jwksUri()), "AUTHORIZER_REQUIRED_TOKEN_TYPE", "at+jwt",
        "AUTHORIZER_AUDIENCE", "api://fhir");

    assertEquals(2 * DecisionPathPriming.ROUNDS, both.primeDecisionPath());
    assertEquals(DecisionPathPriming.ROUNDS, rsaOnly.primeDecisionPath(), "ES256 is refused by the allow-list");
    assertEquals(2 * DecisionPathPriming.ROUNDS, typed.primeDecisionPath(), "typ and aud follow the configuration");

    assertEquals(0, jwks.requestCount(), jwks.requests().toString());
    assertEquals(0, both.counters().keyFetches());
  }

  @Test
  void aPrimingTokenIsNeverAcceptedByValidate() throws Exception {
    JwtValidator validator = validator();
    validator.prime(TIMEOUT);
    for (DecisionPathPriming.Primer primer : DecisionPathPriming.primers(ISSUER, DATASTORE_ENDPOINT, "JWT",
        clock.instant())) {
      assertTrue(DecisionPathPriming.verifySignature(primer));

      ValidationResult result = validator.validate(primer.token(), request(primer.token()));

      assertEquals(ReasonCode.UNKNOWN_KID,
          assertInstanceOf(ValidationResult.Rejected.class, result).rejection().reason());
    }
  }

  @Test
  void diagnosticsNameTheProblemWhenTheJwksIsDown() {
    jwks.answer(503, "unavailable");
    JwtValidator validator = validator();

    validator.prime(TIMEOUT);

    ValidatorDiagnostics diagnostics = validator.diagnostics();
    assertEquals("0 verification keys cached after 1 fetch", diagnostics.state());
    assertFalse(diagnostics.ready());
    assertEquals(List.of("no verification key could be fetched (the log says why); every request is denied"
        + " IDP_UNAVAILABLE until the JWKS answers"), diagnostics.problems());
    assertEquals(1, validator.counters().keyFetches());
  }

  @Test
  void primeNeverThrowsWhenTheJwksCannotBeReached() {
    URI closed = URI.create("http://127.0.0.1:" + TestIssuer.freeLoopbackPort() + "/jwks.json");
    JwtValidator validator = validator(JwksLocation.fixed(closed));

    validator.prime(TIMEOUT);
    validator.refreshAfterRestore(TIMEOUT);

    assertFalse(validator.diagnostics().ready());
    assertEquals(2, validator.counters().keyFetches());
  }

  @Test
  void refreshAfterRestoreFetchesAgainAndSeesARotatedKey() {
    JwtValidator validator = validator();
    validator.prime(TIMEOUT);
    JwsSigner rotated = JwsSigner.generate(JwsAlgorithm.ES256, "ec-2");
    jwks.serve(TestKeys.jwks(List.of(rotated.publicJwk())));

    validator.refreshAfterRestore(TIMEOUT);
    String token = token(rotated);

    assertInstanceOf(ValidationResult.Accepted.class, validator.validate(token, request(token)));
    assertEquals(2, jwks.requestCount(), "the refresh found the new key; the request fetched nothing");
    assertEquals("1 verification key cached after 2 fetches", validator.diagnostics().state());
    assertEquals(2, validator.counters().keyFetches());
  }

  @Test
  void prefetchWithATimeoutGivesUpAfterThatTimeout() {
    jwks.delay(Duration.ofSeconds(3));
    JwtValidator validator = validator(); // the context's init timeout is 2 s

    long start = System.nanoTime();
    validator.prime(Duration.ofMillis(200));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertTrue(took.compareTo(Duration.ofMillis(1500)) < 0, "took " + took);
    assertEquals(0, validator.keys().size());
  }

  @Test
  void withDiscoveryTheEndpointIsTheIssuersDiscovery() {
    JwtValidator validator = validator(JwksLocation.discovered(ISSUER));

    assertEquals(List.of("discovery of " + ISSUER), validator.diagnostics().endpoints());
    assertEquals("0 verification keys cached after 0 fetches", validator.diagnostics().state());
  }
}
