package io.github.smartauthorizer.providers.jwks;

import static io.github.smartauthorizer.providers.shared.TestRequests.DATASTORE_ENDPOINT;
import static io.github.smartauthorizer.providers.shared.ValidationResults.accepted;
import static io.github.smartauthorizer.providers.shared.ValidationResults.validate;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.VerifiedToken;
import io.github.smartauthorizer.providers.shared.JwksLoopback;
import io.github.smartauthorizer.providers.shared.JwsAlgorithm;
import io.github.smartauthorizer.providers.shared.JwsSigner;
import io.github.smartauthorizer.providers.shared.TestClock;
import io.github.smartauthorizer.providers.shared.TestKeys;
import io.github.smartauthorizer.providers.shared.TestProviderContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Provider {@code jwks}: what an accepted token's client and groups are (RFC 9068 §2.2: {@code client_id}; §2.2.3.1:
 * {@code groups} and {@code roles}), verified against an issuer's JWKS served on loopback.
 */
class JwksProviderTest {
  private static final String ISSUER = "https://idp.partner.example";
  private static final JwsSigner KEY = JwsSigner.generate(JwsAlgorithm.ES256, "partner-1");
  private static final TestClock CLOCK = new TestClock();
  private static JwksLoopback jwks;
  private static TokenValidator validator;

  @BeforeAll
  static void start() {
    jwks = new JwksLoopback().serve(TestKeys.jwks(List.of(KEY.publicJwk())));
    validator = new JwksProvider().createValidator(TestProviderContext.of(Map.of(
        "AUTHORIZER_ISSUER", ISSUER,
        "AUTHORIZER_JWKS_URI", jwks.jwksUri().toString(),
        "AUTHORIZER_ALGORITHMS", "ES256"), CLOCK));
  }

  @AfterAll
  static void stop() {
    jwks.close();
  }

  /** A valid access token of the issuer with these extra claims, verified. */
  private static VerifiedToken verified(Object... pairs) {
    long now = CLOCK.epochSecond();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", ISSUER);
    claims.put("sub", "user-1");
    claims.put("aud", DATASTORE_ENDPOINT);
    claims.put("iat", now);
    claims.put("exp", now + 300);
    claims.put("scope", "user/*.rs");
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      claims.put((String) pairs[i], pairs[i + 1]);
    }
    return accepted(validate(validator, KEY.sign(claims)));
  }

  @Test
  void theClientIsClientIdWhateverAzpCidOrAppidSay() {
    assertEquals(Optional.of("partner-app"), verified("client_id", "partner-app", "azp", "other", "cid", "other",
        "appid", "other").clientId());
  }

  @Test
  void aTokenWithoutClientIdNamesNoClient() {
    assertEquals(Optional.empty(), verified("azp", "partner-app").clientId());
    assertEquals(Optional.empty(), verified("cid", "partner-app").clientId());
    assertEquals(Optional.empty(), verified("appid", "partner-app").clientId());
    assertEquals(Optional.empty(), verified("client_id", List.of("partner-app")).clientId(), "not a string");
  }

  @Test
  void groupsComeFromTheGroupsAndRolesClaimsOnly() {
    VerifiedToken token = verified("groups", List.of("auditors"), "roles", List.of("reader"),
        "realm_access", Map.of("roles", List.of("admin")), "resource_access",
        Map.of("fhir", Map.of("roles", List.of("admin"))), "cognito:groups", List.of("admin"));
    assertEquals(List.of("auditors", "reader"), List.copyOf(token.groups()));
  }

  @Test
  void aTokenWithoutGroupClaimsHasNoGroups() {
    assertEquals(Set.of(), verified().groups());
    assertEquals(Set.of(), verified("groups", "auditors").groups(), "a string is not an array of groups");
  }
}
