package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.providers.shared.JwksLoopback;
import io.github.smartauthorizer.providers.shared.TestSecrets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 18, item 4: an Okta SMART setup, through the decision pipeline. Okta's SMART launch puts the patient in
 * {@code launch_response_patient} and {@code fhirUser} as an absolute URL under the FHIR base; with
 * {@code AUTHORIZER_PATIENT_CLAIM=launch_response_patient} and {@code AUTHORIZER_FHIR_USER_FORM} the payload carries
 * the patient and {@code fhirUser} in the form chosen (docs/providers.md, the okta section).
 */
class OktaSmartClaimsTest {
  private static final String ISSUER = "http://127.0.0.1/oauth2/default";
  private static final String TOKEN = "okta-opaque-token-0123456789";

  private static String answer(AttackHarness h, String fhirUser) {
    long now = h.clock.epochSecond();
    return "{\"active\":true,\"token_type\":\"Bearer\",\"iss\":\"" + ISSUER + "\",\"aud\":\"" + LambdaFixtures.ENDPOINT
        + "\",\"sub\":\"00u1practitioner\",\"client_id\":\"0oa1smartapp\",\"scp\":[\"launch/patient\",\"openid\","
        + "\"fhirUser\",\"patient/Observation.rs\"],\"launch_response_patient\":\"456\",\"fhirUser\":\"" + fhirUser
        + "\",\"exp\":" + (now + 600) + ",\"iat\":" + now + "}";
  }

  private static Authorizer authorizer(AttackHarness h, JwksLoopback idp, String... extra) {
    Map<String, String> env = new HashMap<>();
    env.put("AUTHORIZER_PROVIDER", "okta");
    env.put("AUTHORIZER_ISSUER", ISSUER);
    env.put("AUTHORIZER_INTROSPECTION_URL", idp.uri("/introspect").toString());
    env.put("AUTHORIZER_CLIENT_SECRET_ID", "smart/okta");
    env.put("AUTHORIZER_IAM_ROLE_ARN", LambdaFixtures.ROLE);
    env.put("AUTHORIZER_PATIENT_CLAIM", "launch_response_patient");
    for (int i = 0; i + 1 < extra.length; i += 2) {
      env.put(extra[i], extra[i + 1]);
    }
    TestSecrets secrets = TestSecrets.of("smart/okta", TestSecrets.credentialsJson("client", "secret"));
    return Authorizer.builder().environment(env).secrets(secrets).clock(h.clock).logStream(h.log.stream).build();
  }

  private static byte[] event() {
    return LambdaFixtures.utf8(LambdaFixtures.eventJson(LambdaFixtures.ENDPOINT, "SearchWithGet", TOKEN));
  }

  @ParameterizedTest(name = "AUTHORIZER_FHIR_USER_FORM={0}")
  @CsvSource({
      "relative, Practitioner/123",
      "absolute, " + LambdaFixtures.ENDPOINT + "Practitioner/123",
      "as-is, " + LambdaFixtures.ENDPOINT + "Practitioner/123"})
  void launchResponsePatientAndAnAbsoluteFhirUserReachThePayloadInTheChosenForm(String form, String expected) {
    try (AttackHarness h = new AttackHarness(); JwksLoopback idp = new JwksLoopback()) {
      idp.serve(answer(h, LambdaFixtures.ENDPOINT + "Practitioner/123"));
      Authorizer authorizer = authorizer(h, idp, "AUTHORIZER_FHIR_USER_FORM", form);

      Map<String, Object> payload = LambdaFixtures.authPayload(h.invoke(authorizer, event()).allowed().response());

      assertEquals("456", payload.get("patient"));
      assertEquals(expected, payload.get("fhirUser"));
    }
  }

  @Test
  void withoutThePatientClaimSettingAPatientScopedOktaTokenIsDeniedMissingClaim() {
    try (AttackHarness h = new AttackHarness(); JwksLoopback idp = new JwksLoopback()) {
      idp.serve(answer(h, LambdaFixtures.ENDPOINT + "Practitioner/123"));
      Authorizer authorizer = authorizer(h, idp, "AUTHORIZER_PATIENT_CLAIM", "patient");

      h.invoke(authorizer, event()).denied(ReasonCode.MISSING_CLAIM);
    }
  }

  @Test
  void anFhirUserUnderAnotherFhirBaseCannotBePutInARelativeForm() {
    try (AttackHarness h = new AttackHarness(); JwksLoopback idp = new JwksLoopback()) {
      idp.serve(answer(h, "https://fhir.example.com/r4/Practitioner/123"));
      Authorizer authorizer = authorizer(h, idp, "AUTHORIZER_FHIR_USER_FORM", "relative");

      h.invoke(authorizer, event()).denied(ReasonCode.MISSING_CLAIM);
    }
  }
}
