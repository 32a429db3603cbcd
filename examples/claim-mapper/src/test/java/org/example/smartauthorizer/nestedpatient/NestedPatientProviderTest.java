package org.example.smartauthorizer.nestedpatient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.smartauthorizer.api.AuthPayload;
import io.github.smartauthorizer.api.ClaimMapper;
import io.github.smartauthorizer.api.HealthLakeRequest;
import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.ValidationResult;
import io.github.smartauthorizer.api.VerifiedToken;
import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import io.github.smartauthorizer.api.spi.ProviderContext;
import io.github.smartauthorizer.providers.jwks.JwksProvider;
import io.github.smartauthorizer.providers.shared.JwksLoopback;
import io.github.smartauthorizer.providers.shared.JwsAlgorithm;
import io.github.smartauthorizer.providers.shared.JwsSigner;
import io.github.smartauthorizer.providers.shared.TestClock;
import io.github.smartauthorizer.providers.shared.TestKeys;
import io.github.smartauthorizer.providers.shared.TestProviderContext;
import io.github.smartauthorizer.providers.shared.TestRequests;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code nested-patient-jwks} provider through the api, against an issuer on loopback: the jwks provider's
 * validation, and the patient from {@code context.patient}.
 */
class NestedPatientProviderTest {
  /** What the host's standard mapper does with the patient: the top-level claim {@code patient}. */
  static final ClaimMapper STANDARD = (token, request) -> AuthPayload.builder()
      .iss(token.issuer())
      .aud(request.datastoreEndpoint())
      .authorized(true)
      .scope(token.scope())
      .patient(token.stringClaim("patient").orElse(null))
      .build();

  private final TestClock clock = new TestClock();
  private final JwksLoopback server = new JwksLoopback();
  private final JwsSigner signer = JwsSigner.generate(JwsAlgorithm.RS256, "key-1");
  private final ProviderContext context = TestProviderContext.of(Map.of(
      "AUTHORIZER_ISSUER", issuer(),
      "AUTHORIZER_JWKS_URI", server.jwksUri().toString()), clock);

  NestedPatientProviderTest() {
    server.serve(TestKeys.jwks(signer.publicJwk()));
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private String issuer() {
    return server.uri("/issuer").toString();
  }

  private static AuthorizerProvider provider() {
    return ServiceLoader.load(AuthorizerProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("nested-patient-jwks")).findFirst().orElseThrow();
  }

  private Map<String, Object> claims(Object context) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", issuer());
    claims.put("sub", "user-123");
    claims.put("aud", TestRequests.DATASTORE_ENDPOINT);
    claims.put("iat", clock.epochSecond());
    claims.put("exp", clock.epochSecond() + 3600);
    claims.put("scope", "launch/patient patient/Observation.rs");
    if (context != null) {
      claims.put("context", context);
    }
    return claims;
  }

  private ValidationResult validate(TokenValidator validator, Map<String, Object> claims) {
    String token = signer.sign(claims);
    return validator.validate(token, TestRequests.request(token));
  }

  /** Validates with the provider's validator, then maps with its mapper, as the host does. */
  private AuthPayload authorize(Map<String, Object> claims) {
    AuthorizerProvider provider = provider();
    ValidationResult result = validate(provider.createValidator(context), claims);
    VerifiedToken token = assertInstanceOf(ValidationResult.Accepted.class, result).token();
    HealthLakeRequest request = TestRequests.request("unused");
    return provider.createClaimMapper(context, STANDARD).map(token, request);
  }

  @Test
  void isRegisteredThroughMetaInfServicesUnderItsName() {
    assertInstanceOf(NestedPatientProvider.class, provider());
  }

  @Test
  void theNestedPatientBecomesThePayloadsPatient() {
    AuthPayload payload = authorize(claims(Map.of("patient", "123")));

    assertEquals("123", payload.patient());
    assertEquals("launch/patient patient/Observation.rs", payload.scope(), "the rest is the standard mapping");
    assertEquals(issuer(), payload.iss());
  }

  @Test
  void theNestedPatientWinsOverATopLevelOne() {
    Map<String, Object> claims = claims(Map.of("patient", "123"));
    claims.put("patient", "999");

    assertEquals("123", authorize(claims).patient());
  }

  @Test
  void withoutANestedPatientTheStandardMappingStands() {
    Map<String, Object> topLevel = claims(null);
    topLevel.put("patient", "999");

    assertEquals("999", authorize(topLevel).patient());
    assertNull(authorize(claims(null)).patient());
  }

  @Test
  void aNestedPatientThatIsNotANonEmptyStringIsIgnored() {
    assertNull(authorize(claims(Map.of("patient", 123))).patient());
    assertNull(authorize(claims(Map.of("patient", ""))).patient());
    assertNull(authorize(claims("patient-123")).patient());
  }

  @Test
  void validationRoutingAndSettingsAreTheJwksProviders() {
    JwksProvider jwks = new JwksProvider();
    Map<String, Object> otherIssuer = claims(Map.of("patient", "123"));
    otherIssuer.put("iss", server.uri("/other").toString());

    assertEquals(ReasonCode.INVALID_ISSUER, assertInstanceOf(ValidationResult.Rejected.class,
        validate(provider().createValidator(context), otherIssuer)).rejection().reason());
    assertEquals(jwks.route(context), provider().route(context));
    assertEquals(jwks.settingNames(), provider().settingNames());
  }
}
