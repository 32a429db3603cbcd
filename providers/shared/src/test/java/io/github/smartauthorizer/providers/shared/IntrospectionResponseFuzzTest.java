package io.github.smartauthorizer.providers.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.VerifiedToken;
import io.github.smartauthorizer.api.json.StrictJson;
import java.lang.System.Logger;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzz target for the reading of introspection responses (RFC 7662 §2.2): {@link IntrospectionClient#parseAnswer}
 * and then the claim rules of {@link IntrospectionValidator}, with Jazzer. Invariants: nothing but
 * {@link TokenRejectedException} escapes; anything but a JSON object with {@code active: true} is refused: a strict
 * JSON object with {@code active: false} as {@code INACTIVE_TOKEN}, and everything else (not strict JSON, not an
 * object, {@code active} missing or not a boolean) as {@code IDP_UNAVAILABLE}, since an IdP that answers so is broken,
 * not the token; an accepted answer is active, carries an {@code exp} not in the past, and the configured issuer and
 * audience when it carries those claims.
 */
class IntrospectionResponseFuzzTest {
  static final AtomicLong EXECUTIONS = new AtomicLong();
  private static final String ISSUER = "https://idp.example.com";
  private static final String AUDIENCE = "api://default";
  private static TestClock clock;
  private static IntrospectionValidator validator;

  @BeforeAll
  static void start() {
    clock = new TestClock();
    Logger log = new RecordingLogger("fuzz");
    IntrospectionClient client = new IntrospectionClient(URI.create("http://127.0.0.1:9/introspect"),
        IntrospectionClient.ClientAuthentication.CLIENT_SECRET_BASIC,
        ClientCredentialsSource.fixed(new ClientCredentials("client", "secret")),
        new HttpFetcher(Duration.ofMillis(100), 64 * 1024), Duration.ofMillis(100), log);
    validator = IntrospectionValidator.builder().client(client).cache(new IntrospectionCache(Duration.ZERO, 1, clock))
        .issuer(ISSUER).audiences(List.of(AUDIENCE)).clock(clock).build();
  }

  @AfterAll
  static void report() {
    System.out.println("FUZZ IntrospectionResponseFuzzTest executions: " + EXECUTIONS.get());
  }

  @FuzzTest(maxDuration = "15s")
  void fuzz(byte[] body) {
    EXECUTIONS.incrementAndGet();
    Map<String, Object> answer;
    try {
      answer = IntrospectionClient.parseAnswer(body);
    } catch (TokenRejectedException e) {
      assertEquals(expectedRefusal(body), e.rejection().reason(), e.rejection().detail());
      return;
    }
    assertEquals(Boolean.TRUE, answer.get("active"));
    VerifiedToken token;
    try {
      token = validator.verify(answer, TestRequests.request("opaque"));
    } catch (TokenRejectedException expected) {
      return;
    }
    long now = clock.epochSecond();
    assertTrue(token.times().expiresAt() + 60 >= now, "expired answer accepted");
    if (answer.containsKey("iss")) {
      assertEquals(ISSUER, answer.get("iss"));
    }
    if (answer.containsKey("aud")) {
      Object aud = answer.get("aud");
      assertTrue(AUDIENCE.equals(aud) || AUDIENCE.equals(aud + "/") || (aud + "").equals(AUDIENCE + "/")
          || (aud instanceof List<?> l && (l.contains(AUDIENCE) || l.contains(AUDIENCE + "/"))), "audience");
    }
  }

  /**
   * The reason a refused answer must carry: {@code INACTIVE_TOKEN} only for a well-formed answer that says
   * {@code active: false}; {@code IDP_UNAVAILABLE} for every malformed one. (The strict reader itself is held against
   * moshi by {@code StrictJsonFuzzTest}.)
   */
  private static ReasonCode expectedRefusal(byte[] body) {
    try {
      return Boolean.FALSE.equals(StrictJson.parseObject(body).get("active"))
          ? ReasonCode.INACTIVE_TOKEN : ReasonCode.IDP_UNAVAILABLE;
    } catch (StrictJson.MalformedJsonException e) {
      return ReasonCode.IDP_UNAVAILABLE;
    }
  }
}
