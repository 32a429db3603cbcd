package io.github.smartauthorizer.providers.cognito;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How a Cognito {@code scope} string is rewritten for one resource-server prefix ({@code https://fhir.example.com/}). */
class CognitoScopePrefixTest {
  private static final String PREFIX = "https://fhir.example.com/";

  @ParameterizedTest(name = "[{index}] ''{0}'' -> ''{1}''")
  @CsvSource(delimiter = '|', value = {
      // stripped
      "https://fhir.example.com/patient/*.read | patient/*.read",
      "https://fhir.example.com/launch/patient https://fhir.example.com/user/Observation.rs"
          + " | launch/patient user/Observation.rs",
      "https://fhir.example.com/fhirUser | fhirUser",
      // another resource server's scopes are dropped, including unprefixed SMART-looking ones
      "https://other.example.com/patient/*.write | ''",
      "https://fhir.example.com.evil.com/patient/*.read | ''",
      "https://fhir.example.com/x https://fhir.example.co/patient/*.read | x",
      "patient/*.read | ''",
      "HTTPS://FHIR.EXAMPLE.COM/patient/*.read | ''",
      // Cognito's built-in scopes have no slash and are kept
      "openid profile email phone aws.cognito.signin.user.admin | openid profile email phone aws.cognito.signin.user.admin",
      // order kept, stray spaces tolerated, the bare prefix dropped
      "openid  https://fhir.example.com/patient/*.read https://fhir.example.com/ | openid patient/*.read",
      "'' | ''"})
  void rewritesTheScopeString(String issued, String expected) {
    assertEquals(expected, CognitoTokenRules.scope(issued, PREFIX));
  }
}
