package io.github.smartauthorizer.providers.shared;

import static io.github.smartauthorizer.providers.shared.TestRequests.DATASTORE_ENDPOINT;
import static io.github.smartauthorizer.providers.shared.TestRequests.request;
import static io.github.smartauthorizer.providers.shared.ValidationResults.accepted;
import static io.github.smartauthorizer.providers.shared.ValidationResults.reason;
import static io.github.smartauthorizer.providers.shared.ValidationResults.rejection;
import static io.github.smartauthorizer.providers.shared.ValidationResults.validate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.github.smartauthorizer.api.HealthLakeRequest;
import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.Rejection;
import io.github.smartauthorizer.api.TokenTimes;
import io.github.smartauthorizer.api.VerifiedToken;
import java.security.KeyPair;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The validation pipeline against a real embedded issuer (nav's mock-oauth2-server): its tokens and JWKS, plus tokens
 * this test signs itself with the issuer's key (or a foreign one) for the shapes an issuer never emits.
 */
class JwtValidatorTest {
  private static final String KID = "rsa-1";
  private static final String SCOPE = "launch/patient patient/*.read";

  private static final TestClock clock = new TestClock();
  private static KeyPair issuerKey;
  private static TestIssuer issuer;
  /** Signs with the issuer's own key and kid. */
  private static TestTokens own;

  @BeforeAll
  static void startIssuer() {
    issuerKey = TestKeys.rsa();
    issuer = TestIssuer.startRs256(clock, issuerKey, KID);
    own = TestTokens.rs256(KID, issuerKey);
  }

  @AfterAll
  static void stopIssuer() {
    issuer.close();
  }

  @BeforeEach
  void resetClock() {
    clock.set(TestClock.DEFAULT_START);
  }

  private static JwksCache cache(Set<JwsAlgorithm> algorithms) {
    return JwksCache.builder()
        .fetcher(new HttpFetcher(Duration.ofMillis(500), JwtSettings.MAX_DOCUMENT_BYTES))
        .location(JwksLocation.fixed(issuer.jwksUri()))
        .algorithms(algorithms)
        .clock(clock)
        .refreshExecutor(null)
        .build();
  }

  private static JwtValidator.Builder validator(Set<JwsAlgorithm> algorithms) {
    return JwtValidator.builder()
        .issuer(issuer.issuer())
        .algorithms(algorithms)
        .keys(cache(algorithms))
        .clock(clock);
  }

  private static JwtValidator.Builder validator() {
    return validator(EnumSet.of(JwsAlgorithm.RS256));
  }

  private static String issuerToken(List<String> audience, long expirySeconds) {
    return issuer.issue("user-123", "JWT", audience, Map.of("scope", SCOPE), expirySeconds);
  }

  private static String issuerToken() {
    return issuerToken(List.of(DATASTORE_ENDPOINT), 3600);
  }

  private static Map<String, Object> claims() {
    return TestTokens.claims(issuer.issuer(), DATASTORE_ENDPOINT, clock.epochSecond(), 3600);
  }

  private static Map<String, Object> claimsWith(String name, Object value) {
    Map<String, Object> claims = new LinkedHashMap<>(claims());
    if (value == null) {
      claims.remove(name);
    } else {
      claims.put(name, value);
    }
    return claims;
  }

  // --- accepted tokens -------------------------------------------------------------------------------------------

  @Test
  void acceptsAValidIssuerTokenAndNormalizesItsClaims() {
    long now = clock.epochSecond();
    VerifiedToken token = accepted(validate(validator().build(), issuerToken()));
    assertEquals(issuer.issuer(), token.issuer());
    assertEquals("user-123", token.subject());
    assertEquals(SCOPE, token.scope());
    assertEquals(List.of(DATASTORE_ENDPOINT), token.audiences());
    assertEquals(new TokenTimes(now, now, now + 3600), token.times());
    assertEquals(Optional.empty(), token.clientId(), "no customizer, no client: each provider names its one source");
    assertTrue(token.claims().containsKey("jti"));
  }

  @Test
  void acceptsATokenSignedWithTheIssuerKeyByThisTest() {
    VerifiedToken token = accepted(validate(validator().build(), own.sign(claims())));
    assertEquals("user-123", token.subject());
  }

  @Test
  void acceptsEs256TokensFromAnEs256Issuer() {
    try (TestIssuer es = TestIssuer.startGenerated(clock, "ES256", 0)) {
      Set<JwsAlgorithm> es256 = EnumSet.of(JwsAlgorithm.ES256);
      JwksCache keys = JwksCache.builder()
          .fetcher(new HttpFetcher(Duration.ofMillis(500), JwtSettings.MAX_DOCUMENT_BYTES))
          .location(JwksLocation.fixed(es.jwksUri()))
          .algorithms(es256)
          .clock(clock)
          .refreshExecutor(null)
          .build();
      JwtValidator validator = JwtValidator.builder().issuer(es.issuer()).algorithms(es256).keys(keys).clock(clock)
          .build();
      String token = es.issue(DATASTORE_ENDPOINT);
      assertEquals("user-123", accepted(validate(validator, token)).subject());
      // An R||S signature one byte short, or one zero byte longer, is refused.
      String[] parts = token.split("\\.");
      byte[] signature = Base64Url.decode(parts[2]);
      assertEquals(64, signature.length);
      String shorter = parts[0] + "." + parts[1] + "." + Base64Url.encode(java.util.Arrays.copyOf(signature, 63));
      assertEquals(ReasonCode.BAD_SIGNATURE, reason(validate(validator, shorter)));
      String longer = parts[0] + "." + parts[1] + "." + Base64Url.encode(java.util.Arrays.copyOf(signature, 65));
      assertEquals(ReasonCode.BAD_SIGNATURE, reason(validate(validator, longer)));
    }
  }

  // --- iss -------------------------------------------------------------------------------------------------------

  @Test
  void rejectsAnIssuerThatDiffersByATrailingSlash() {
    JwtValidator slashConfigured = validator().issuer(issuer.issuer() + "/").build();
    assertEquals(ReasonCode.INVALID_ISSUER, reason(validate(slashConfigured, issuerToken())));

    JwtValidator exact = validator().build();
    assertEquals(ReasonCode.INVALID_ISSUER, reason(validate(exact, own.sign(claimsWith("iss", issuer.issuer() + "/")))));
  }

  @Test
  void rejectsAnIssuerThatDiffersInCaseOrIsMissing() {
    JwtValidator validator = validator().build();
    assertEquals(ReasonCode.INVALID_ISSUER,
        reason(validate(validator, own.sign(claimsWith("iss", issuer.issuer().toUpperCase())))));
    assertEquals(ReasonCode.INVALID_ISSUER, reason(validate(validator, own.sign(claimsWith("iss", null)))));
    assertEquals(ReasonCode.INVALID_ISSUER,
        reason(validate(validator, own.sign(claimsWith("iss", List.of(issuer.issuer()))))));
  }

  // --- aud -------------------------------------------------------------------------------------------------------

  @Test
  void defaultAudienceIsTheRequestDatastoreEndpoint() {
    JwtValidator validator = validator().build();
    String token = issuerToken();
    accepted(validator.validate(token, request(DATASTORE_ENDPOINT, token)));
    HealthLakeRequest otherStore = request(
        "https://healthlake.us-east-1.amazonaws.com/datastore/ffffffffffffffffffffffffffffffff/r4/", token);
    assertEquals(ReasonCode.INVALID_AUDIENCE, reason(validator.validate(token, otherStore)));
  }

  @Test
  void acceptsAnAudienceListContainingTheExpectedAudience() {
    String token = issuerToken(List.of("https://other.example/", DATASTORE_ENDPOINT, "account"), 3600);
    VerifiedToken verified = accepted(validate(validator().build(), token));
    assertEquals(3, verified.audiences().size());
  }

  @Test
  void toleratesOneTrailingSlashOnEitherSideOfTheAudience() {
    String endpointWithoutSlash = DATASTORE_ENDPOINT.substring(0, DATASTORE_ENDPOINT.length() - 1);
    accepted(validate(validator().build(), issuerToken(List.of(endpointWithoutSlash), 3600)));

    JwtValidator configured = validator().audiences(List.of("https://fhir.example/api")).build();
    accepted(validate(configured, issuerToken(List.of("https://fhir.example/api/"), 3600)));
    assertEquals(ReasonCode.INVALID_AUDIENCE,
        reason(validate(configured, issuerToken(List.of("https://fhir.example/api//"), 3600))));
    assertEquals(ReasonCode.INVALID_AUDIENCE,
        reason(validate(configured, issuerToken(List.of("https://fhir.example/ap"), 3600))));
  }

  @Test
  void configuredAudiencesReplaceTheDatastoreEndpoint() {
    JwtValidator validator = validator().audiences(List.of("api://fhir", "https://fhir.example/")).build();
    accepted(validate(validator, issuerToken(List.of("api://fhir"), 3600)));
    accepted(validate(validator, issuerToken(List.of("https://fhir.example/"), 3600)));
    assertEquals(ReasonCode.INVALID_AUDIENCE, reason(validate(validator, issuerToken())));
  }

  @Test
  void rejectsAMissingWrongOrMistypedAudience() {
    JwtValidator validator = validator().build();
    assertEquals(ReasonCode.INVALID_AUDIENCE,
        reason(validate(validator, issuerToken(List.of("https://other.example/"), 3600))));
    assertEquals(ReasonCode.INVALID_AUDIENCE, reason(validate(validator, own.sign(claimsWith("aud", null)))));
    assertEquals(ReasonCode.INVALID_AUDIENCE,
        reason(validate(validator, own.sign(claimsWith("aud", Map.of("value", DATASTORE_ENDPOINT))))));
    assertEquals(ReasonCode.INVALID_AUDIENCE,
        reason(validate(validator, own.signRaw("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}",
            TestKeys.json(claimsWith("aud", List.of(DATASTORE_ENDPOINT, 7L)))))));
  }

  @Test
  void skipsTheAudienceCheckOnlyWhenAskedTo() {
    JwtValidator validator = validator().withoutAudienceCheck().build();
    accepted(validate(validator, own.sign(claimsWith("aud", null))));
  }

  // --- exp / nbf / iat -------------------------------------------------------------------------------------------

  @Test
  void rejectsATokenExpiredBeyondTheClockSkew() {
    String token = issuerToken(List.of(DATASTORE_ENDPOINT), 300);
    long exp = clock.epochSecond() + 300;
    JwtValidator validator = validator().build();
    clock.advance(Duration.ofSeconds(300 + 61));
    Rejection rejection = rejection(validate(validator, token));
    assertEquals(ReasonCode.EXPIRED, rejection.reason());
    assertEquals(exp, rejection.times().expiresAt(), "a verified token's times go with its rejection");
  }

  @Test
  void acceptsATokenExpiredWithinTheClockSkew() {
    String token = issuerToken(List.of(DATASTORE_ENDPOINT), 300);
    JwtValidator validator = validator().build();
    clock.advance(Duration.ofSeconds(300 + 60));
    accepted(validate(validator, token));
  }

  @Test
  void aZeroClockSkewRejectsOneSecondAfterExp() {
    String token = issuerToken(List.of(DATASTORE_ENDPOINT), 300);
    JwtValidator validator = validator().clockSkew(Duration.ZERO).build();
    clock.advance(Duration.ofSeconds(300));
    accepted(validate(validator, token));
    clock.advance(Duration.ofSeconds(1));
    assertEquals(ReasonCode.EXPIRED, reason(validate(validator, token)));
  }

  @Test
  void rejectsATokenNotYetValidBeyondTheClockSkew() {
    String token = issuerToken();
    JwtValidator validator = validator().build();
    clock.advance(Duration.ofSeconds(-61));
    assertEquals(ReasonCode.NOT_YET_VALID, reason(validate(validator, token)));
    clock.advance(Duration.ofSeconds(1));
    accepted(validate(validator, token));
  }

  @Test
  void rejectsAFutureNbfEvenWithACurrentIat() {
    Map<String, Object> claims = claimsWith("nbf", clock.epochSecond() + 120);
    assertEquals(ReasonCode.NOT_YET_VALID, reason(validate(validator().build(), own.sign(claims))));
  }

  @Test
  void rejectsAFutureIatWithoutNbf() {
    Map<String, Object> claims = claimsWith("nbf", null);
    claims.put("iat", clock.epochSecond() + 120);
    assertEquals(ReasonCode.NOT_YET_VALID, reason(validate(validator().build(), own.sign(claims))));
  }

  @Test
  void rejectsATokenWithoutExp() {
    assertEquals(ReasonCode.MISSING_CLAIM, reason(validate(validator().build(), own.sign(claimsWith("exp", null)))));
  }

  @Test
  void rejectsTimeClaimsThatAreNotNumericDates() {
    JwtValidator validator = validator().build();
    assertEquals(ReasonCode.MISSING_CLAIM, reason(validate(validator, own.sign(claimsWith("exp", "4102444800")))));
    assertEquals(ReasonCode.MISSING_CLAIM, reason(validate(validator, own.sign(claimsWith("exp", -1L)))));
    assertEquals(ReasonCode.MISSING_CLAIM, reason(validate(validator, own.sign(claimsWith("nbf", true)))));
    String hugeExp = TestTokens.payloadJson(own.sign(claims())).replaceFirst("\"exp\":\\d+", "\"exp\":1e400");
    assertEquals(ReasonCode.MISSING_CLAIM, reason(validate(validator, own.signRaw(
        TestTokens.headerJson(own.sign(claims())), hugeExp))));
  }

  @Test
  void rejectsATokenWithNeitherIatNorNbf() {
    Map<String, Object> claims = claimsWith("nbf", null);
    claims.remove("iat");
    assertEquals(ReasonCode.MISSING_CLAIM, reason(validate(validator().build(), own.sign(claims))));
  }

  // --- header: alg -----------------------------------------------------------------------------------------------

  @Test
  void rejectsAnAlgorithmOutsideTheAllowList() {
    JwtValidator es256Only = validator(EnumSet.of(JwsAlgorithm.ES256)).build();
    assertEquals(ReasonCode.ALG_NOT_ALLOWED, reason(validate(es256Only, issuerToken())));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"alg\":\"none\",\"kid\":\"rsa-1\"}",
      "{\"alg\":\"None\",\"kid\":\"rsa-1\"}",
      "{\"alg\":\"NONE\",\"kid\":\"rsa-1\"}",
      "{\"alg\":\"nOnE\",\"kid\":\"rsa-1\"}",
      "{\"alg\":\"\",\"kid\":\"rsa-1\"}",
      "{\"alg\":null,\"kid\":\"rsa-1\"}",
      "{\"alg\":[\"RS256\"],\"kid\":\"rsa-1\"}",
      "{\"alg\":\"RS256 \",\"kid\":\"rsa-1\"}",
      "{\"alg\":\"rs256\",\"kid\":\"rsa-1\"}",
      "{\"alg\":\"HS256\",\"kid\":\"rsa-1\"}",
      "{\"alg\":\"PS256\",\"kid\":\"rsa-1\"}",
      "{\"kid\":\"rsa-1\"}",
  })
  void rejectsAlgNoneAndEveryOtherAlgOutsideTheAllowList(String header) {
    JwtValidator validator = validator().build();
    String valid = issuerToken();
    // The original signature kept, the header swapped.
    assertEquals(ReasonCode.ALG_NOT_ALLOWED, reason(validate(validator, TestTokens.withHeader(valid, header))));
    // An empty signature segment, as "alg":"none" tokens carry.
    String unsigned = TestTokens.b64(header) + "." + valid.split("\\.")[1] + ".";
    assertFalse(validate(validator, unsigned).isAccepted());
  }

  @Test
  void rejectsHs256KeyedWithTheIssuerPublicKey() {
    byte[] der = issuerKey.getPublic().getEncoded();
    String pem = "-----BEGIN PUBLIC KEY-----\n"
        + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
    JwtValidator validator = validator().build();
    for (byte[] secret : new byte[][] {der, pem.getBytes()}) {
      String token = JWT.create().withKeyId(KID).withPayload(claims()).sign(Algorithm.HMAC256(secret));
      assertEquals(ReasonCode.ALG_NOT_ALLOWED, reason(validate(validator, token)));
    }
  }

  @Test
  void rejectsATokenWhoseAlgDiffersFromTheAlgorithmItsKeyIsBoundTo() {
    // RS256 and ES256 allowed; an ES256 token naming the RS256 key's kid.
    Set<JwsAlgorithm> both = EnumSet.of(JwsAlgorithm.RS256, JwsAlgorithm.ES256);
    TestTokens ec = TestTokens.es256(KID);
    assertEquals(ReasonCode.ALG_NOT_ALLOWED, reason(validate(validator(both).build(), ec.sign(claims()))));
  }

  // --- header: kid -----------------------------------------------------------------------------------------------

  @Test
  void acceptsATokenWithoutKidWhenTheJwksHasASingleKeyForItsAlgorithm() {
    accepted(validate(validator().build(), own.signWithoutKid(claims())));
  }

  @Test
  void rejectsATokenWithoutKidWhenNoSingleKeyForItsAlgorithmIsKnown() {
    Set<JwsAlgorithm> both = EnumSet.of(JwsAlgorithm.RS256, JwsAlgorithm.ES256);
    TestTokens ec = TestTokens.es256(null);
    assertEquals(ReasonCode.UNKNOWN_KID, reason(validate(validator(both).build(), ec.signWithoutKid(claims()))));
  }

  @Test
  void rejectsATokenWithoutKidSignedByAnotherKey() {
    TestTokens stranger = TestTokens.rs256(null);
    assertEquals(ReasonCode.BAD_SIGNATURE, reason(validate(validator().build(), stranger.signWithoutKid(claims()))));
  }

  @Test
  void rejectsATokenSignedByAnUnknownKey() {
    TestTokens attacker = TestTokens.rs256("attacker-rsa");
    assertEquals(ReasonCode.UNKNOWN_KID, reason(validate(validator().build(), attacker.sign(claims()))));
  }

  @Test
  void rejectsATokenSignedByAnotherKeyUnderTheTrustedKid() {
    TestTokens impostor = TestTokens.rs256(KID);
    Rejection rejection = rejection(validate(validator().build(), impostor.sign(claims())));
    assertEquals(ReasonCode.BAD_SIGNATURE, rejection.reason());
    assertEquals(TokenTimes.UNKNOWN, rejection.times(), "times of an unverified token are never reported");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"\"", "7", "{\"$ne\":null}", "[\"rsa-1\"]", "null"})
  void rejectsAKidThatIsNotANonEmptyString(String kidJson) {
    String token = own.signRaw("{\"alg\":\"RS256\",\"kid\":" + kidJson + "}", TestKeys.json(claims()));
    assertEquals(ReasonCode.MALFORMED_TOKEN, reason(validate(validator().build(), token)));
  }

  @Test
  void rejectsAnOverlongKid() {
    JwtValidator validator = validator().build();
    String longKid = "k".repeat(JwtValidator.MAX_KID_LENGTH + 1);
    assertEquals(ReasonCode.MALFORMED_TOKEN, reason(validate(validator, TestTokens.rs256(longKid).sign(claims()))));
    String maxKid = "k".repeat(JwtValidator.MAX_KID_LENGTH);
    assertEquals(ReasonCode.UNKNOWN_KID, reason(validate(validator, TestTokens.rs256(maxKid).sign(claims()))));
  }

  // --- header: crit, cty, b64, typ, key sources --------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"[\"http://example.invalid/UNDEFINED\"]", "[]", "[\"alg\"]", "\"exp\"", "[\"x-a\",\"x-a\"]"})
  void rejectsAnyCritHeader(String critJson) {
    String header = "{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"crit\":" + critJson
        + ",\"http://example.invalid/UNDEFINED\":true}";
    String token = own.signRaw(header, TestKeys.json(claims()));
    assertEquals(ReasonCode.UNSUPPORTED_CRIT, reason(validate(validator().build(), token)));
  }

  @Test
  void rejectsACritHeaderWrittenByJavaJwt() {
    String token = own.sign(Map.of("crit", List.of("exp"), "exp", 1L), claims());
    assertEquals(ReasonCode.UNSUPPORTED_CRIT, reason(validate(validator().build(), token)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"JWT", "jwt", "application/jwt", "Application/JWT"})
  void rejectsNestedJwts(String cty) {
    String inner = TestTokens.b64("{\"alg\":\"none\"}") + "." + TestTokens.b64(TestKeys.json(claims())) + ".";
    String token = own.signRaw("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"cty\":\"" + cty + "\"}", "\"" + inner + "\"");
    // The header rules run before the payload is decoded, so the nesting is the reason, not the non-object payload...
    assertEquals(ReasonCode.NESTED_JWT_UNSUPPORTED, reason(validate(validator().build(), token)));
    // ...and with a claim-set payload the header alone is refused too.
    String withClaims = own.sign(Map.of("cty", cty), claims());
    assertEquals(ReasonCode.NESTED_JWT_UNSUPPORTED, reason(validate(validator().build(), withClaims)));
  }

  @Test
  void acceptsAnOrdinaryContentType() {
    accepted(validate(validator().build(), own.sign(Map.of("cty", "json"), claims())));
  }

  @Test
  void rejectsUnencodedPayloadAndJweHeaderMembers() {
    JwtValidator validator = validator().build();
    assertEquals(ReasonCode.MALFORMED_TOKEN, reason(validate(validator, own.sign(Map.of("b64", false), claims()))));
    assertEquals(ReasonCode.UNSUPPORTED_CRIT,
        reason(validate(validator, own.sign(Map.of("b64", false, "crit", List.of("b64")), claims()))));
    assertEquals(ReasonCode.MALFORMED_TOKEN, reason(validate(validator, own.sign(Map.of("enc", "A128GCM"), claims()))));
    assertEquals(ReasonCode.MALFORMED_TOKEN, reason(validate(validator, own.sign(Map.of("zip", "DEF"), claims()))));
  }

  @Test
  void requiresTheConfiguredTokenType() {
    JwtValidator validator = validator().requiredType("at+jwt").build();
    accepted(validate(validator, issuer.issue("user-123", "at+jwt", List.of(DATASTORE_ENDPOINT), Map.of(), 3600)));
    accepted(validate(validator,
        issuer.issue("user-123", "application/at+jwt", List.of(DATASTORE_ENDPOINT), Map.of(), 3600)));
    accepted(validate(validator, issuer.issue("user-123", "AT+JWT", List.of(DATASTORE_ENDPOINT), Map.of(), 3600)));
    assertEquals(ReasonCode.INVALID_TOKEN_TYPE, reason(validate(validator, issuerToken())));
    String noTyp = own.signRaw("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}", TestKeys.json(claims()));
    assertEquals(ReasonCode.INVALID_TOKEN_TYPE, reason(validate(validator, noTyp)));
  }

  @Test
  void acceptsAnyTypeWhenNoneIsRequired() {
    accepted(validate(validator().build(),
        issuer.issue("user-123", "at+jwt", List.of(DATASTORE_ENDPOINT), Map.of(), 3600)));
  }

  @Test
  void neverTrustsAKeyEmbeddedInTheHeader() {
    TestTokens attacker = TestTokens.rs256("attacker-rsa");
    String embedded = attacker.sign(Map.of("jwk", attacker.publicJwk()), claims());
    assertEquals(ReasonCode.UNKNOWN_KID, reason(validate(validator().build(), embedded)));
    TestTokens impostor = TestTokens.rs256(KID);
    Map<String, Object> impostorJwk = impostor.publicJwk();
    String trustedKid = impostor.sign(Map.of("jwk", impostorJwk, "jku", issuer.jwksUri().toString()), claims());
    assertEquals(ReasonCode.BAD_SIGNATURE, reason(validate(validator().build(), trustedKid)));
  }

  // --- signature and framing -------------------------------------------------------------------------------------

  @Test
  void rejectsATamperedPayload() {
    String token = issuerToken();
    String tampered = TestTokens.withPayload(token,
        TestTokens.payloadJson(token).replace(SCOPE, "user/*.* system/*.*"));
    assertEquals(ReasonCode.BAD_SIGNATURE, reason(validate(validator().build(), tampered)));
  }

  @Test
  void rejectsATamperedSignature() {
    String token = issuerToken();
    String[] parts = token.split("\\.");
    byte[] signature = Base64Url.decode(parts[2]);
    signature[10] ^= 1;
    String tampered = parts[0] + "." + parts[1] + "." + Base64Url.encode(signature);
    assertEquals(ReasonCode.BAD_SIGNATURE, reason(validate(validator().build(), tampered)));
    String truncated = parts[0] + "." + parts[1] + "." + Base64Url.encode(java.util.Arrays.copyOf(signature, 255));
    assertEquals(ReasonCode.BAD_SIGNATURE, reason(validate(validator().build(), truncated)));
  }

  @Test
  void rejectsDuplicateHeaderMembersEvenWhenValidlySigned() {
    JwtValidator validator = validator().build();
    String payload = TestKeys.json(claims());
    assertEquals(ReasonCode.MALFORMED_TOKEN,
        reason(validate(validator, own.signRaw("{\"alg\":\"none\",\"alg\":\"RS256\",\"kid\":\"rsa-1\"}", payload))));
    assertEquals(ReasonCode.MALFORMED_TOKEN,
        reason(validate(validator, own.signRaw("{\"alg\":\"none\",\"\\u0061lg\":\"RS256\",\"kid\":\"rsa-1\"}", payload))));
    assertEquals(ReasonCode.MALFORMED_TOKEN,
        reason(validate(validator, own.signRaw("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}",
            payload.replace("\"sub\":\"user-123\"", "\"sub\":\"user-123\",\"sub\":\"admin\"")))));
  }

  @Test
  void rejectsTrailingDataAfterTheHeaderEvenWhenValidlySigned() {
    String token = own.signRaw("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}xyz", TestKeys.json(claims()));
    assertEquals(ReasonCode.MALFORMED_TOKEN, reason(validate(validator().build(), token)));
  }

  @Test
  void rejectsFramingVariantsOfAValidToken() {
    JwtValidator validator = validator().build();
    String token = issuerToken();
    accepted(validate(validator, token));
    for (String variant : List.of(token + ".", token + ".AAAA", token + "\n", " " + token, "Bearer " + token,
        token.replace('.', ','))) {
      assertEquals(ReasonCode.MALFORMED_TOKEN, reason(validate(validator, variant)), variant);
    }
  }

  @Test
  void rejectsATokenOverTheConfiguredSize() {
    String token = issuerToken();
    assertEquals(ReasonCode.TOKEN_TOO_LARGE,
        reason(validate(validator().maxTokenBytes(token.length() - 1).build(), token)));
    accepted(validate(validator().maxTokenBytes(token.length()).build(), token));
  }

  @Test
  void rejectsGarbage() {
    JwtValidator validator = validator().build();
    for (String garbage : List.of("", "x", "null", "undefined", "a.b.c", "\u0000")) {
      assertEquals(ReasonCode.MALFORMED_TOKEN, reason(validate(validator, garbage)), garbage);
    }
  }

  // --- provider hooks --------------------------------------------------------------------------------------------

  @Test
  void runsProviderClaimChecksAfterTheStandardChecks() {
    ClaimCheck azpIsClient1 = (header, claims, req) -> {
      if (!"client-1".equals(claims.get("azp"))) {
        throw new TokenRejectedException(ReasonCode.INVALID_CLIENT, "azp is not an allowed client");
      }
    };
    JwtValidator validator = validator().addCheck(azpIsClient1).build();
    accepted(validate(validator, issuerToken()));
    Rejection rejection = rejection(validate(validator, own.sign(claimsWith("azp", "client-2"))));
    assertEquals(ReasonCode.INVALID_CLIENT, rejection.reason());
    assertEquals(clock.epochSecond() + 3600, rejection.times().expiresAt());
    // A standard check fails first.
    String otherClient = own.sign(claimsWith("azp", "client-2"));
    clock.advance(Duration.ofHours(2));
    assertEquals(ReasonCode.EXPIRED, reason(validate(validator, otherClient)));
  }

  @Test
  void appliesTheProviderCustomizerToAcceptedTokens() {
    JwtValidator validator = validator()
        .customizer((claims, builder) -> builder.addGroups(List.of("from-" + claims.get("sub"))))
        .build();
    assertEquals(Set.of("from-user-123"), accepted(validate(validator, issuerToken())).groups());
  }
}
