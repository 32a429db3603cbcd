package io.github.smartauthorizer.lambda;

import static io.github.smartauthorizer.lambda.LambdaFixtures.DATASTORE_ID;
import static io.github.smartauthorizer.lambda.LambdaFixtures.ENDPOINT;
import static io.github.smartauthorizer.lambda.LambdaFixtures.OTHER_ENDPOINT;
import static io.github.smartauthorizer.lambda.LambdaFixtures.ROLE;
import static io.github.smartauthorizer.lambda.LambdaFixtures.SCOPE;
import static io.github.smartauthorizer.lambda.LambdaFixtures.authPayload;
import static io.github.smartauthorizer.lambda.LambdaFixtures.env;
import static io.github.smartauthorizer.lambda.LambdaFixtures.event;
import static io.github.smartauthorizer.lambda.LambdaFixtures.eventJson;
import static io.github.smartauthorizer.lambda.LambdaFixtures.parse;
import static io.github.smartauthorizer.lambda.LambdaFixtures.smartClaims;
import static io.github.smartauthorizer.lambda.LambdaFixtures.token;
import static io.github.smartauthorizer.lambda.LambdaFixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The handler's bytes: the HealthLake response shape and JSON types, and its tolerance of malformed events. */
class HealthLakeAuthorizerHandlerTest {
  private static MockOAuth2Server server;
  private static Authorizer authorizer;
  private static LambdaFixtures.CapturedStream log;
  private static String validToken;

  @BeforeAll
  static void startIssuer() {
    server = new MockOAuth2Server();
    server.start(InetAddress.getLoopbackAddress(), 0);
    log = new LambdaFixtures.CapturedStream();
    authorizer = Authorizer.builder().environment(env(server)).logStream(log.stream).build();
    validToken = token(server, "patient-456", smartClaims());
  }

  @AfterAll
  static void stopIssuer() {
    server.shutdown();
  }

  private static byte[] invoke(Authorizer with, byte[] event) {
    return LambdaFixtures.handle(with, event, log).bytes();
  }

  private static byte[] invoke(byte[] event) {
    return invoke(authorizer, event);
  }

  /** The response and the reason of this very invocation's decision log line. */
  private static LambdaFixtures.Handled handle(byte[] event) {
    return LambdaFixtures.handle(authorizer, event, log);
  }

  @Test
  void allowResponseHasTheContractShapeAndJsonTypes() {
    long before = Instant.now().getEpochSecond();
    byte[] bytes = invoke(event(validToken));
    String raw = new String(bytes, StandardCharsets.UTF_8);
    Map<String, Object> response = parse(bytes);

    assertEquals(Set.of("authPayload", "iamRoleARN"), response.keySet(), raw);
    assertEquals(ROLE, response.get("iamRoleARN"));
    Map<String, Object> payload = authPayload(response);
    assertEquals(Set.of("iss", "aud", "sub", "iat", "nbf", "exp", "isAuthorized", "scope", "fhirUser", "patient"),
        payload.keySet(), raw);
    assertEquals(LambdaFixtures.issuer(server), payload.get("iss"));
    assertEquals(ENDPOINT, payload.get("aud"), "aud is the data store endpoint, trailing slash included");
    assertEquals("patient-456", payload.get("sub"));
    assertEquals(Boolean.TRUE, payload.get("isAuthorized"));
    assertEquals("Practitioner/123", payload.get("fhirUser"));
    assertEquals("456", payload.get("patient"));

    Long iat = assertInstanceOf(Long.class, payload.get("iat"));
    Long nbf = assertInstanceOf(Long.class, payload.get("nbf"));
    Long exp = assertInstanceOf(Long.class, payload.get("exp"));
    assertTrue(Math.abs(iat - before) <= 5, "iat is epoch seconds, near now: " + iat);
    assertEquals(iat, nbf, "the mock issuer sets nbf = iat");
    assertEquals(iat + 3600, exp);
    for (String time : List.of("iat", "nbf", "exp")) {
      assertTrue(Pattern.compile("\"" + time + "\":\\d{10}[,}]").matcher(raw).find(),
          time + " is a plain JSON integer literal: " + raw);
    }
    assertTrue(raw.contains("\"isAuthorized\":true"), "isAuthorized is a JSON boolean, not a string: " + raw);

    assertEquals(SCOPE, payload.get("scope"));
    assertTrue(raw.contains("\"scope\":\"" + SCOPE + "\""),
        "the scope string, SMART v2.2 filter included, appears byte for byte (no \\u003d or \\/ escapes): " + raw);
  }

  @Test
  void handlerOutputIsExactlyOneJsonDocumentWithoutTrailingBytes() {
    byte[] bytes = invoke(event(validToken));
    assertEquals('{', bytes[0]);
    assertEquals('}', bytes[bytes.length - 1], "nothing after the JSON object (no newline)");
    assertEquals(authorizer.decide(event(validToken)).responseJson(), new String(bytes, StandardCharsets.UTF_8));
  }

  @Test
  void fhirUserAndPatientClaimNamesAreConfigurable() {
    Authorizer renamed = Authorizer.builder()
        .environment(env(server, "AUTHORIZER_FHIR_USER_CLAIM", "profile_url",
            "AUTHORIZER_PATIENT_CLAIM", "launch_response_patient"))
        .logStream(log.stream)
        .build();
    Map<String, Object> claims = smartClaims();
    claims.put("profile_url", "https://fhir.example.com/r4/Practitioner/789");
    claims.put("launch_response_patient", "Patient/abc");
    String token = token(server, "dr-789", claims);

    Map<String, Object> payload = authPayload(parse(invoke(renamed, event(token))));

    assertEquals(Boolean.TRUE, payload.get("isAuthorized"));
    assertEquals("https://fhir.example.com/r4/Practitioner/789", payload.get("fhirUser"),
        "taken from the configured claim, not from the token's own fhirUser claim");
    assertEquals("Patient/abc", payload.get("patient"));
  }

  @Test
  void absentFhirUserAndPatientClaimsAreLeftOutNotNull() {
    String token = token(server, "system-client", Map.of("scope", "system/*.rs"));
    byte[] bytes = invoke(event(token));
    Map<String, Object> payload = authPayload(parse(bytes));

    assertEquals(Boolean.TRUE, payload.get("isAuthorized"));
    assertFalse(payload.containsKey("fhirUser"));
    assertFalse(payload.containsKey("patient"));
    assertFalse(new String(bytes, StandardCharsets.UTF_8).contains("null"));
  }

  @Test
  void nbfFallsBackToIatWhenTheTokenHasNoNbf() {
    long iat = Instant.now().getEpochSecond() - 120;
    Map<String, Object> claims = smartClaims();
    claims.put("nbf", null); // removes the mock issuer's default nbf
    claims.put("iat", iat);
    String token = token(server, "patient-456", claims);
    assertFalse(new String(java.util.Base64.getUrlDecoder().decode(LambdaFixtures.payloadSegment(token)),
        StandardCharsets.UTF_8).contains("\"nbf\""), "precondition: the token carries no nbf");

    Map<String, Object> payload = authPayload(parse(invoke(event(token))));

    assertEquals(Boolean.TRUE, payload.get("isAuthorized"));
    assertEquals(iat, payload.get("iat"));
    assertEquals(iat, payload.get("nbf"), "nbf = iat when the token has no nbf");
  }

  @Test
  void scpArrayBecomesTheSpaceDelimitedScopeString() {
    Map<String, Object> claims = new HashMap<>();
    claims.put("scp", List.of("launch/patient", "patient/Observation.rs?category=laboratory", "patient/Patient.r"));
    claims.put("patient", "456");
    String token = token(server, "okta-user", claims);

    byte[] bytes = invoke(event(token));
    Map<String, Object> payload = authPayload(parse(bytes));

    assertEquals(Boolean.TRUE, payload.get("isAuthorized"));
    assertEquals("launch/patient patient/Observation.rs?category=laboratory patient/Patient.r", payload.get("scope"));
    assertFalse(payload.containsKey("scp"), "scp is not passed through as an array");
  }

  @Test
  void denyForAVerifiedButWrongAudienceTokenIsAWellFormedPayload() {
    String token = token(server, "patient-456", List.of(OTHER_ENDPOINT), smartClaims(), 3600);

    LambdaFixtures.Handled handled = handle(event(token));
    assertEquals("INVALID_AUDIENCE", handled.reason());
    byte[] bytes = handled.bytes();
    String raw = new String(bytes, StandardCharsets.UTF_8);
    Map<String, Object> response = parse(bytes);
    Map<String, Object> payload = authPayload(response);

    assertEquals(ROLE, response.get("iamRoleARN"), "a deny still names the role");
    assertEquals(Boolean.FALSE, payload.get("isAuthorized"));
    assertTrue(raw.contains("\"isAuthorized\":false"), raw);
    assertEquals("", payload.get("scope"));
    assertEquals(ENDPOINT, payload.get("aud"), "aud is the endpoint of the event, never the token's audience");
    assertInstanceOf(Long.class, payload.get("nbf"), "the verified token's times are known");
    assertInstanceOf(Long.class, payload.get("exp"));
    for (String absent : List.of("sub", "iss", "fhirUser", "patient")) {
      assertFalse(payload.containsKey(absent), absent + " must not be in a deny: " + raw);
    }
    assertFalse(raw.contains(OTHER_ENDPOINT));
  }

  @Test
  void denyForAGarbageTokenCarriesNoTimesAndReasonMalformedToken() {
    LambdaFixtures.Handled handled = handle(event("not-a-jwt"));
    assertEquals("MALFORMED_TOKEN", handled.reason());

    Map<String, Object> response = handled.response();
    Map<String, Object> payload = authPayload(response);
    assertEquals(Set.of("aud", "isAuthorized", "scope"), payload.keySet());
    assertEquals(Boolean.FALSE, payload.get("isAuthorized"));
    assertEquals("", payload.get("scope"));
    assertEquals(ENDPOINT, payload.get("aud"));
    assertEquals(ROLE, response.get("iamRoleARN"));
  }

  @ParameterizedTest(name = "{0} is denied {1}")
  @CsvSource(delimiter = '|', value = {
      "a.b.c | MALFORMED_TOKEN",
      ".... | MALFORMED_TOKEN",
      "eyJhbGciOiJub25lIn0.e30. | MALFORMED_TOKEN",
      "Bearer | MALFORMED_TOKEN",
      "\\u0000 | MALFORMED_TOKEN"})
  void garbageTokensAreDeniedWithTheirReasonNeverAnException(String token, ReasonCode expected) {
    LambdaFixtures.Handled handled = handle(event(token));
    assertEquals(expected.name(), handled.reason(), "token " + token);
    assertEquals(Boolean.FALSE, handled.payload().get("isAuthorized"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bearer ", "bearer ", "BEARER "})
  void aStrayBearerPrefixIsStripped(String prefix) {
    Decision decision = authorizer.decide(event(prefix + validToken));
    assertTrue(decision.authorized(), "reason: " + decision.reason() + " " + decision.detail());
    assertEquals(authorizer.decide(event(validToken)).tokenFingerprint(), decision.tokenFingerprint(),
        "the fingerprint is of the token without the prefix");
    assertEquals(Boolean.TRUE, authPayload(parse(invoke(event(prefix + validToken)))).get("isAuthorized"));
  }

  @Test
  void anEventAtExactlyTheSizeLimitIsStillRead() {
    String base = eventJson(validToken);
    String padding = "x".repeat(HealthLakeEvents.MAX_EVENT_BYTES - base.length() - ",\"pad\":\"\"".length());
    byte[] event = utf8(base.substring(0, base.length() - 1) + ",\"pad\":\"" + padding + "\"}");
    assertEquals(HealthLakeEvents.MAX_EVENT_BYTES, event.length);

    assertTrue(authorizer.decide(event).authorized());
    assertEquals(Boolean.TRUE, authPayload(parse(invoke(event))).get("isAuthorized"));
  }

  @Test
  void unknownEventMembersAreIgnored() {
    String json = eventJson(validToken);
    byte[] event = utf8(json.substring(0, json.length() - 1)
        + ",\"datastoreName\":\"demo\",\"futureField\":{\"nested\":[1,2,3]}}");
    assertTrue(authorizer.decide(event).authorized());
  }

  @Test
  void datastoreIdIsDerivedFromTheEndpointWhenAbsent() {
    byte[] event = utf8("{\"datastoreEndpoint\":\"" + ENDPOINT + "\",\"operationName\":\"ReadResource\","
        + "\"bearerToken\":\"" + validToken + "\"}");
    Decision decision = authorizer.decide(event);
    assertTrue(decision.authorized());
    assertEquals(DATASTORE_ID, decision.datastoreId());
    assertEquals("ReadResource", decision.operationName());
  }

  static Stream<Arguments> malformedEvents() {
    String token = validToken;
    String endpoint = "\"datastoreEndpoint\":\"" + ENDPOINT + "\"";
    String operation = "\"operationName\":\"SearchWithGet\"";
    String bearer = "\"bearerToken\":\"" + token + "\"";
    String valid = "{" + endpoint + "," + operation + "," + bearer + "}";
    String oversized = valid.substring(0, valid.length() - 1) + ",\"pad\":\""
        + "x".repeat(HealthLakeEvents.MAX_EVENT_BYTES) + "\"}";
    byte[] invalidUtf8 = utf8(valid);
    invalidUtf8[invalidUtf8.length - 3] = (byte) 0xC3;
    return Stream.of(
        Arguments.of("not JSON", utf8("datastoreEndpoint=" + ENDPOINT + "&bearerToken=" + token), false),
        Arguments.of("a JSON array", utf8("[" + valid + "]"), false),
        Arguments.of("a JSON string", utf8("\"" + token + "\""), false),
        Arguments.of("an empty body", new byte[0], false),
        Arguments.of("whitespace only", utf8(" \n "), false),
        Arguments.of("JSON null", utf8("null"), false),
        Arguments.of("missing bearerToken", utf8("{" + endpoint + "," + operation + "}"), true),
        Arguments.of("empty bearerToken", utf8("{" + endpoint + "," + operation + ",\"bearerToken\":\"\"}"), true),
        Arguments.of("null bearerToken", utf8("{" + endpoint + "," + operation + ",\"bearerToken\":null}"), true),
        Arguments.of("bearerToken a number", utf8("{" + endpoint + "," + operation + ",\"bearerToken\":12345}"), true),
        Arguments.of("bearerToken an array", utf8("{" + endpoint + "," + operation + ",\"bearerToken\":[\"" + token
            + "\"]}"), true),
        Arguments.of("missing datastoreEndpoint", utf8("{" + operation + "," + bearer + "}"), false),
        Arguments.of("datastoreEndpoint a number", utf8("{\"datastoreEndpoint\":1," + operation + "," + bearer + "}"),
            false),
        Arguments.of("missing operationName", utf8("{" + endpoint + "," + bearer + "}"), true),
        Arguments.of("datastoreId a number", utf8("{" + endpoint + "," + operation + "," + bearer
            + ",\"datastoreId\":42}"), true),
        Arguments.of("datastoreId an object", utf8("{" + endpoint + "," + operation + "," + bearer
            + ",\"datastoreId\":{\"id\":\"x\"}}"), true),
        Arguments.of("datastoreTypeVersion a boolean", utf8("{" + endpoint + "," + operation + "," + bearer
            + ",\"datastoreTypeVersion\":true}"), true),
        Arguments.of("duplicate bearerToken members", utf8("{" + endpoint + "," + operation
            + ",\"bearerToken\":\"garbage\"," + bearer + "}"), false),
        Arguments.of("duplicate datastoreEndpoint members", utf8("{" + endpoint + ",\"datastoreEndpoint\":\""
            + OTHER_ENDPOINT + "\"," + operation + "," + bearer + "}"), false),
        Arguments.of("trailing data", utf8(valid + valid), false),
        Arguments.of("trailing comma", utf8("{" + endpoint + "," + operation + "," + bearer + ",}"), false),
        Arguments.of("single-quoted strings", utf8(valid.replace('"', '\'')), false),
        Arguments.of("invalid UTF-8", invalidUtf8, false),
        Arguments.of("a byte order mark", concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8(valid)),
            false),
        Arguments.of("an event over 64 KiB", utf8(oversized), false));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = new byte[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedEvents")
  void malformedEventsAreDeniedWithInvalidRequestNeverAnException(String what, byte[] event,
      boolean endpointReadable) {
    LambdaFixtures.Handled handled = handle(event);
    String detail = (String) handled.decisionLine().get("detail");
    assertEquals("INVALID_REQUEST", handled.reason(), what + ": " + detail);
    assertNotNull(detail);
    assertFalse(handled.decisionLine().toString().contains(validToken.substring(0, 20)),
        "the decision line never quotes the event");

    Map<String, Object> response = handled.response();
    Map<String, Object> payload = authPayload(response);
    assertEquals(Boolean.FALSE, payload.get("isAuthorized"), what);
    assertEquals("", payload.get("scope"), what);
    assertEquals(ROLE, response.get("iamRoleARN"), what);
    assertNull(payload.get("sub"));
    if (endpointReadable) {
      assertEquals(ENDPOINT, payload.get("aud"), what + ": aud comes from the event when it is readable");
    }
  }

  @Test
  void theRuntimeConstructorNeverFailsInitAndDeniesWhenUnconfigured() {
    Assumptions.assumeTrue(System.getenv("AUTHORIZER_PROVIDER") == null
        && System.getenv("AUTHORIZER_IAM_ROLE_ARN") == null, "the test JVM must not be configured");
    java.io.PrintStream originalErr = System.err;
    LambdaFixtures.CapturedStream err = new LambdaFixtures.CapturedStream();
    HealthLakeAuthorizerHandler handler;
    System.setErr(err.stream);
    try {
      handler = new HealthLakeAuthorizerHandler();
    } finally {
      System.setErr(originalErr);
    }
    assertTrue(err.text().contains("AUTHORIZER_PROVIDER"), "the init error names the variable: " + err.text());

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    err.reset();
    System.setErr(err.stream);
    try {
      handler.handleRequest(new ByteArrayInputStream(event(validToken)), out, null);
    } catch (IOException e) {
      throw new AssertionError(e);
    } finally {
      System.setErr(originalErr);
    }
    Map<String, Object> response = parse(out.toByteArray());
    assertEquals(Boolean.FALSE, authPayload(response).get("isAuthorized"));
    assertEquals(ENDPOINT, authPayload(response).get("aud"));
    assertEquals("", response.get("iamRoleARN"));
    List<Map<String, Object>> decisions = err.decisionLines();
    assertEquals(1, decisions.size(), err.text());
    assertEquals("CONFIGURATION_ERROR", decisions.get(0).get("reason"));
  }

  @Test
  void theHandlerReadsAtMostOneByteMoreThanTheLimit() throws IOException {
    byte[] huge = new byte[HealthLakeEvents.MAX_EVENT_BYTES * 4];
    java.util.Arrays.fill(huge, (byte) ' ');
    ByteArrayInputStream input = new ByteArrayInputStream(huge);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    log.reset();

    new HealthLakeAuthorizerHandler(authorizer).handleRequest(input, out, null);

    assertEquals(huge.length - HealthLakeEvents.MAX_EVENT_BYTES - 1, input.available());
    assertEquals(Boolean.FALSE, authPayload(parse(out.toByteArray())).get("isAuthorized"));
    assertEquals("INVALID_REQUEST", log.decisionLines().get(0).get("reason"), "an event over the limit is refused");
  }
}
