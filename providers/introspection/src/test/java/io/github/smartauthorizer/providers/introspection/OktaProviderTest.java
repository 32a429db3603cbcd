package io.github.smartauthorizer.providers.introspection;

import static io.github.smartauthorizer.providers.shared.TestSecrets.credentialsJson;
import static io.github.smartauthorizer.providers.shared.ValidationResults.accepted;
import static io.github.smartauthorizer.providers.shared.ValidationResults.reason;
import static io.github.smartauthorizer.providers.shared.ValidationResults.validate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.TokenTimes;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.VerifiedToken;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.providers.introspection.LoopbackIdp.Recorded;
import io.github.smartauthorizer.providers.introspection.LoopbackIdp.Reply;
import io.github.smartauthorizer.providers.shared.TestClock;
import io.github.smartauthorizer.providers.shared.TestKeys;
import io.github.smartauthorizer.providers.shared.TestProviderContext;
import io.github.smartauthorizer.providers.shared.TestSecrets;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Provider {@code okta}: the introspection URL derived from the authorization server, and Okta-shaped introspection
 * answers (providers.md §1.1) served on loopback ({@code AUTHORIZER_INTROSPECTION_URL} overrides the derived https
 * URL).
 */
class OktaProviderTest {
  private static final String SECRET_ID = "smart-authorizer/okta";
  private static final String ISSUER = "https://dev-123456.okta.com/oauth2/default";
  private static final String OKTA_CLIENT_ID = "0oa1b2c3d4e5f6g7h8i9";
  private static final String OKTA_CLIENT_SECRET = "okta-client-secret";
  private static final String TOKEN = "eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0.eyJ2ZXIiOjF9.c2lnbmF0dXJl";

  private final TestClock clock = new TestClock();
  private TestSecrets secrets;
  private LoopbackIdp idp;

  @BeforeAll
  static void warmUp() {
    LoopbackIdp.warmUpHttpClient();
  }

  @BeforeEach
  void start() {
    secrets = TestSecrets.of(SECRET_ID, credentialsJson(OKTA_CLIENT_ID, OKTA_CLIENT_SECRET));
    idp = LoopbackIdp.start();
  }

  @AfterEach
  void stop() {
    idp.close();
  }

  private Map<String, String> variables(String... extra) {
    return TestProviderContext.variables(Map.of(
        "AUTHORIZER_ISSUER", ISSUER,
        "AUTHORIZER_INTROSPECTION_URL", idp.uri().toString(),
        "AUTHORIZER_AUDIENCE", "api://default",
        "AUTHORIZER_CLIENT_SECRET_ID", SECRET_ID), extra);
  }

  private TokenValidator validator(String... extra) {
    return new OktaProvider().createValidator(
        TestProviderContext.of(variables(extra), secrets, clock, TestProviderContext.SHORT_REMOTE_CALL_TIMEOUT));
  }

  /** An answer of Okta's custom authorization server for an active access token (providers.md §1.1). */
  private Map<String, Object> oktaAnswer() {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("active", true);
    answer.put("scope", "openid fhirUser launch/patient patient/Observation.rs");
    answer.put("username", "alice@example.com");
    answer.put("exp", clock.epochSecond() + 3600);
    answer.put("iat", clock.epochSecond());
    answer.put("sub", "alice@example.com");
    answer.put("aud", "api://default");
    answer.put("iss", ISSUER);
    answer.put("jti", "AT.vwxyz0123456789abcdefghijklmnop");
    answer.put("token_type", "Bearer");
    answer.put("client_id", "0oa9smartapp");
    answer.put("uid", "00u1abcdefghijklmn");
    return answer;
  }

  private static String json(Map<String, Object> answer) {
    return TestKeys.json(answer);
  }

  // --- the derived introspection URL -----------------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource({
      "https://dev-123456.okta.com/oauth2/default,  https://dev-123456.okta.com/oauth2/default/v1/introspect",
      "https://dev-123456.okta.com/oauth2/default/, https://dev-123456.okta.com/oauth2/default/v1/introspect",
      "https://dev-123456.okta.com/oauth2/aus8x9y0, https://dev-123456.okta.com/oauth2/aus8x9y0/v1/introspect",
      "https://login.example.org/oauth2/default,    https://login.example.org/oauth2/default/v1/introspect"})
  void customAuthorizationServerIntrospectsAtIssuerPlusV1Introspect(String issuer, String expected) {
    assertEquals(URI.create(expected), OktaProvider.introspectionUrl(URI.create(issuer)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://dev-123456.okta.com", "https://dev-123456.okta.com/"})
  void orgAuthorizationServerIntrospectsAtOauth2V1Introspect(String issuer) {
    assertEquals(URI.create("https://dev-123456.okta.com/oauth2/v1/introspect"),
        OktaProvider.introspectionUrl(URI.create(issuer)));
  }

  @Test
  void derivedUrlIsUsedWhenNoIntrospectionUrlIsSet() {
    String localIssuer = "http://127.0.0.1:" + idp.uri().getPort() + "/oauth2/default";
    Map<String, Object> answer = oktaAnswer();
    answer.put("iss", localIssuer);
    idp.respondWith(Reply.json(json(answer)));

    accepted(validate(validator("AUTHORIZER_ISSUER", localIssuer, "AUTHORIZER_INTROSPECTION_URL", null), TOKEN));

    assertEquals("/oauth2/default/v1/introspect", idp.lastRequest().path());
  }

  // --- Okta-shaped answers ---------------------------------------------------------------------------------------

  @Test
  void oktaAnswerIsAcceptedWithTheClaimsHealthLakeNeeds() {
    idp.respondWith(Reply.json(json(oktaAnswer())));

    VerifiedToken token = accepted(validate(validator(), TOKEN));

    assertEquals("openid fhirUser launch/patient patient/Observation.rs", token.scope());
    assertEquals(ISSUER, token.issuer());
    assertEquals("alice@example.com", token.subject());
    assertEquals(List.of("api://default"), token.audiences());
    assertEquals("0oa9smartapp", token.clientId().orElseThrow());
    long now = clock.epochSecond();
    assertEquals(new TokenTimes(now, null, now + 3600), token.times());
    assertEquals(now, token.times().notBeforeOrIssuedAt(), "Okta sends no nbf: HealthLake's nbf comes from iat");
    assertEquals("00u1abcdefghijklmn", token.stringClaim("uid").orElseThrow());
    assertEquals("Bearer", token.stringClaim("token_type").orElseThrow());
  }

  @Test
  void scpArrayBecomesTheScopeString() {
    Map<String, Object> answer = oktaAnswer();
    answer.remove("scope");
    answer.put("scp", List.of("launch/patient", "patient/Observation.rs", "fhirUser"));
    idp.respondWith(Reply.json(json(answer)));

    VerifiedToken token = accepted(validate(validator(), TOKEN));

    assertEquals("launch/patient patient/Observation.rs fhirUser", token.scope());
  }

  @Test
  void theClientIsTheAnswersClientIdNeverTheTokensCid() {
    Map<String, Object> answer = oktaAnswer();
    answer.put("cid", "0oa9otherapp");
    idp.respondWith(Reply.json(json(answer)));
    assertEquals("0oa9smartapp", accepted(validate(validator(), TOKEN)).clientId().orElseThrow());

    answer.remove("client_id");
    idp.respondWith(Reply.json(json(answer)));
    assertEquals(Optional.empty(), accepted(validate(validator(), TOKEN)).clientId(),
        "Okta's introspection answers carry client_id; an answer without it names no client");
  }

  @Test
  void groupsComeFromTheGroupsAndRolesMembersOnly() {
    Map<String, Object> answer = oktaAnswer();
    answer.put("groups", List.of("Everyone", "fhir-auditors"));
    answer.put("cognito:groups", List.of("admin"));
    idp.respondWith(Reply.json(json(answer)));

    assertEquals(List.of("Everyone", "fhir-auditors"), List.copyOf(accepted(validate(validator(), TOKEN)).groups()));
  }

  @Test
  void inactiveOktaAnswerIsInactiveToken() {
    idp.respondWith(Reply.json("{\"active\":false}"));

    assertEquals(ReasonCode.INACTIVE_TOKEN, reason(validate(validator(), TOKEN)));
  }

  @Test
  void tokenOfAnotherAuthorizationServerIsInvalidIssuer() {
    Map<String, Object> answer = oktaAnswer();
    answer.put("iss", "https://dev-123456.okta.com");
    idp.respondWith(Reply.json(json(answer)));

    assertEquals(ReasonCode.INVALID_ISSUER, reason(validate(validator(), TOKEN)));
  }

  @Test
  void idTokenAudienceIsInvalidAudience() {
    Map<String, Object> answer = oktaAnswer();
    answer.put("aud", "0oa9smartapp");
    idp.respondWith(Reply.json(json(answer)));

    assertEquals(ReasonCode.INVALID_AUDIENCE, reason(validate(validator(), TOKEN)));
  }

  @Test
  void expiredOktaAnswerIsExpired() {
    Map<String, Object> answer = oktaAnswer();
    answer.put("iat", clock.epochSecond() - 7200);
    answer.put("exp", clock.epochSecond() - 3600);
    idp.respondWith(Reply.json(json(answer)));

    assertEquals(ReasonCode.EXPIRED, reason(validate(validator(), TOKEN)));
  }

  @Test
  void oktaProviderAuthenticatesWithClientSecretBasicByDefault() {
    idp.respondWith(Reply.json(json(oktaAnswer())));

    accepted(validate(validator(), TOKEN));

    Recorded sent = idp.lastRequest();
    assertEquals("Basic " + Base64.getEncoder().encodeToString(
        (OKTA_CLIENT_ID + ":" + OKTA_CLIENT_SECRET).getBytes(StandardCharsets.UTF_8)), sent.header("Authorization"));
    assertEquals(Map.of("token", TOKEN, "token_type_hint", "access_token"), sent.form());
  }

  @Test
  void oktaProviderCanAuthenticateWithClientSecretPost() {
    idp.respondWith(Reply.json(json(oktaAnswer())));

    accepted(validate(validator("AUTHORIZER_INTROSPECTION_AUTH", "client_secret_post"), TOKEN));

    Recorded sent = idp.lastRequest();
    assertNull(sent.header("Authorization"));
    assertEquals(OKTA_CLIENT_ID, sent.form().get("client_id"));
    assertEquals(OKTA_CLIENT_SECRET, sent.form().get("client_secret"));
  }

  // --- configuration ---------------------------------------------------------------------------------------------

  @Test
  void issuerIsRequired() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> validator("AUTHORIZER_ISSUER", null));

    assertEquals("AUTHORIZER_ISSUER", e.variable());
  }

  @Test
  void plainHttpIssuerIsRefusedExceptOnLoopback() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> validator("AUTHORIZER_ISSUER", "http://dev-123456.okta.com/oauth2/default"));

    assertEquals("AUTHORIZER_ISSUER", e.variable());
    assertTrue(e.getMessage().contains("https"), e.getMessage());
  }

  @Test
  void providerIsNamedOkta() {
    assertEquals("okta", new OktaProvider().name());
  }
}
