package io.github.smartauthorizer.providers.shared;

import static io.github.smartauthorizer.providers.shared.TestRequests.DATASTORE_ENDPOINT;
import static io.github.smartauthorizer.providers.shared.TestRequests.request;
import static io.github.smartauthorizer.providers.shared.TestSecrets.credentialsJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.ValidationResult;
import io.github.smartauthorizer.api.spi.SecretSource;
import io.github.smartauthorizer.api.spi.SecretUnavailableException;
import io.github.smartauthorizer.api.spi.ValidatorCounters;
import io.github.smartauthorizer.api.spi.ValidatorDiagnostics;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle hooks of {@link IntrospectionValidator} (prime, refresh after a restore, diagnostics, counters), built
 * as a provider builds it ({@link IntrospectionSettings#configure}) against an introspection endpoint on loopback whose
 * requests are counted.
 */
class IntrospectionValidatorLifecycleTest {
  private static final String SECRET_ID = "smart-authorizer/introspection";
  private static final String CLIENT_SECRET = "s3cret-value";
  private static final String TOKEN = "opaque-token-123";
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final TestClock clock = new TestClock();
  private final TestSecrets secrets = TestSecrets.of(SECRET_ID, credentialsJson("authorizer", CLIENT_SECRET));
  private JwksLoopback idp;

  @BeforeEach
  void start() {
    idp = new JwksLoopback().serve("{\"active\":false}");
  }

  @AfterEach
  void stop() {
    idp.close();
  }

  private IntrospectionValidator validator(URI endpoint, SecretSource source, String... extra) {
    Map<String, String> variables = new HashMap<>();
    variables.put("AUTHORIZER_CLIENT_SECRET_ID", SECRET_ID);
    for (int i = 0; i < extra.length; i += 2) {
      variables.put(extra[i], extra[i + 1]);
    }
    return IntrospectionSettings.configure(TestProviderContext.of(variables, source, clock), endpoint, null).build();
  }

  private IntrospectionValidator validator(String... extra) {
    return validator(idp.uri("/introspect"), secrets, extra);
  }

  private String activeAnswer() {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("active", true);
    answer.put("scope", "patient/*.rs");
    answer.put("sub", "user-1");
    answer.put("aud", DATASTORE_ENDPOINT);
    answer.put("iat", clock.epochSecond());
    answer.put("exp", clock.epochSecond() + 300);
    return TestKeys.json(answer);
  }

  @Test
  void primeMakesOneCountedCallAndDiagnosticsNameTheEndpointAndTheCache() {
    IntrospectionValidator validator = validator();

    validator.prime(TIMEOUT);

    assertEquals(1, idp.requestCount());
    ValidatorDiagnostics diagnostics = validator.diagnostics();
    assertEquals("each token introspected (RFC 7662); answers cached for up to 30 s", diagnostics.validation());
    assertEquals(List.of(idp.uri("/introspect").toString()), diagnostics.endpoints());
    assertEquals("the endpoint answered the warm-up call with HTTP 200; 0 answers cached", diagnostics.state());
    assertTrue(diagnostics.ready(), diagnostics.problems().toString());
    assertEquals(new ValidatorCounters(0, 1, 0), validator.counters());
  }

  @Test
  void refreshAfterRestoreWarmsTheClientAgain() {
    IntrospectionValidator validator = validator();
    validator.prime(TIMEOUT);

    validator.refreshAfterRestore(TIMEOUT);

    assertEquals(2, idp.requestCount());
    assertEquals(2, validator.counters().idpCalls());
  }

  @Test
  void countersCountIntrospectionCallsAndCacheHits() {
    IntrospectionValidator validator = validator();
    idp.serve(activeAnswer());

    for (int i = 0; i < 3; i++) {
      assertInstanceOf(ValidationResult.Accepted.class, validator.validate(TOKEN, request(TOKEN)));
    }

    assertEquals(new ValidatorCounters(0, 1, 2), validator.counters());
    assertEquals(1, idp.requestCount());
    assertEquals("1 answer cached", validator.diagnostics().state());
  }

  @Test
  void withTheCacheOffEveryRequestIsACallAndDiagnosticsSaySo() {
    IntrospectionValidator validator = validator("AUTHORIZER_INTROSPECTION_CACHE_SECONDS", "0");
    idp.serve(activeAnswer());

    validator.validate(TOKEN, request(TOKEN));
    validator.validate(TOKEN, request(TOKEN));

    assertEquals(new ValidatorCounters(0, 2, 0), validator.counters());
    assertEquals("each token introspected (RFC 7662); answers not cached", validator.diagnostics().validation());
    assertEquals("", validator.diagnostics().state());
  }

  @Test
  void theRetryAfterA401IsCountedAsACall() {
    IntrospectionValidator validator = validator();
    idp.answer(401, "{\"error\":\"invalid_client\"}");
    secrets.put(SECRET_ID, credentialsJson("authorizer", "rotated-secret")); // read again after the 401

    ValidationResult result = validator.validate(TOKEN, request(TOKEN));

    assertEquals(ReasonCode.IDP_UNAVAILABLE, assertInstanceOf(ValidationResult.Rejected.class, result).rejection()
        .reason());
    assertEquals(2, idp.requestCount());
    assertEquals(2, validator.counters().idpCalls());
  }

  @Test
  void diagnosticsSayWhenTheEndpointRejectsTheCredentials() {
    idp.answer(401, "{\"error\":\"invalid_client\"}");
    IntrospectionValidator validator = validator();

    validator.prime(TIMEOUT);

    assertEquals(List.of("the introspection endpoint rejected the client credentials (HTTP 401); every request is"
        + " denied IDP_UNAVAILABLE until they are fixed (they are read again after a 401)"),
        validator.diagnostics().problems());
    assertFalse(validator.diagnostics().toString().contains(CLIENT_SECRET));
  }

  @Test
  void diagnosticsSayWhenTheEndpointCannotBeReached() {
    URI closed = URI.create("http://127.0.0.1:" + TestIssuer.freeLoopbackPort() + "/introspect");
    IntrospectionValidator validator = validator(closed, secrets);

    validator.prime(TIMEOUT);

    List<String> problems = validator.diagnostics().problems();
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("the introspection endpoint could not be reached ("), problems.get(0));
    assertTrue(problems.get(0).endsWith("requests are denied IDP_UNAVAILABLE while it cannot be"), problems.get(0));
    assertEquals(1, validator.counters().idpCalls());
  }

  @Test
  void diagnosticsSayWhenTheCredentialsAreNotReadableYetAndPrimeMakesNoCall() {
    SecretSource throttled = id -> {
      throw new SecretUnavailableException("secret " + id + " not read: throttled", null, true);
    };
    IntrospectionValidator validator = validator(idp.uri("/introspect"), throttled);

    validator.prime(TIMEOUT);

    assertEquals(0, idp.requestCount());
    assertEquals(List.of("the client credentials could not be read yet (the log says why); every request is denied"
        + " IDP_UNAVAILABLE until a request reads them (retried lazily, at most every 5 s)"),
        validator.diagnostics().problems());
    assertEquals(ValidatorCounters.NONE, validator.counters());
  }

  @Test
  void neverPrimedItReportsNoCallAndNoProblem() {
    IntrospectionValidator validator = validator();

    assertEquals("0 answers cached", validator.diagnostics().state());
    assertTrue(validator.diagnostics().ready());
    assertEquals(ValidatorCounters.NONE, validator.counters());
  }
}
