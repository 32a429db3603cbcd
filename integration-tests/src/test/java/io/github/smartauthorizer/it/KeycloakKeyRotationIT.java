package io.github.smartauthorizer.it;

import static io.github.smartauthorizer.it.HealthLakeContract.ENDPOINT;
import static io.github.smartauthorizer.it.HealthLakeContract.assertAuthorized;
import static io.github.smartauthorizer.it.HealthLakeContract.assertDenied;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.it.keycloak.Jwts;
import io.github.smartauthorizer.it.keycloak.Keycloak;
import io.github.smartauthorizer.it.keycloak.KeycloakExtension;
import io.github.smartauthorizer.it.keycloak.SmartRealm;
import io.github.smartauthorizer.it.keycloak.TokenResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Signing-key rotation in realm {@code smart} through Keycloak's admin API, as an operator does it (README, provider
 * {@code keycloak}: "Keys"; docs/providers.md 3.2 "Rotation"): add a generated RSA key with a higher priority, let
 * tokens roll over, then delete the old key.
 *
 * <p>The authorizers run on a {@link MutableClock}, so the refetch interval and the TTL pass without waiting; the
 * whole rotation stays within the old token's lifetime (Keycloak's 300 s). Both the {@code keycloak} provider
 * ({@code jwks} mode) and the {@code jwks} provider (keys through discovery) go through it side by side.
 *
 * <p>It changes the realm: afterwards the new key signs and the realm's original key is gone, which is a valid state
 * for every other test (none depends on which key signs). In the dist and container modes the next start begins with
 * a fresh realm anyway.
 */
@ExtendWith(KeycloakExtension.class)
class KeycloakKeyRotationIT {
  static final Duration TTL = Duration.ofSeconds(120);
  static final Duration REFETCH_INTERVAL = Duration.ofSeconds(20);
  static final String KEY_PROVIDER_TYPE = "org.keycloak.keys.KeyProvider";

  /** The token with its header's {@code kid} replaced (the signature no longer matters: the key is looked up first). */
  private static String withKid(String token, String kid) {
    Map<String, Object> header = new java.util.LinkedHashMap<>(Jwts.header(token));
    header.put("kid", kid);
    StringBuilder json = new StringBuilder("{");
    header.forEach((name, value) -> json.append(json.length() > 1 ? "," : "").append('"').append(name)
        .append("\":\"").append(value).append('"'));
    String encoded = java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString(json.append('}').toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return encoded + token.substring(token.indexOf('.'));
  }

  @Test
  void newKeyValidatesAtOnceAndARemovedKeyStopsValidatingAfterTheTtl(Keycloak keycloak) {
    MutableClock clock = new MutableClock();
    List<LambdaUnderTest> lambdas = List.of(
        LambdaUnderTest.init(environment(KeycloakSetup.KEYCLOAK_JWKS, keycloak), clock),
        LambdaUnderTest.init(environment(KeycloakSetup.JWKS, keycloak), clock));
    RealmKey old = activeRs256Key(keycloak);
    TokenResponse before = keycloak.clientCredentials(SmartRealm.BACKEND_SCOPE);
    assertEquals(old.kid(), before.header().get("kid"));
    // Every decision is made once (LambdaUnderTest.invoke, no warm-up retry): the keys were fetched at init, with the
    // init timeout, which also warmed Keycloak's certs endpoint for the refetches below.
    for (LambdaUnderTest lambda : lambdas) {
      LambdaUnderTest.Invocation first = lambda.invoke(ENDPOINT, before.accessToken());
      assertAuthorized(first, keycloak.issuer(), ENDPOINT, before.claims());
      assertEquals(1, first.jwksFetches(), "the keys were fetched once, at init");
    }

    // 1. A new generated key with a higher priority: Keycloak signs new tokens with it at once.
    addRs256Key(keycloak, old.priority() + 100);
    RealmKey rotated = activeRs256Key(keycloak);
    assertNotEquals(old.kid(), rotated.kid());
    TokenResponse after = keycloak.clientCredentials(SmartRealm.BACKEND_SCOPE);
    assertEquals(rotated.kid(), after.header().get("kid"));
    assertTrue(publishedKids(keycloak).containsAll(Set.of(old.kid(), rotated.kid())), "both keys are published");

    // 2. The first token with the new kid refetches at once, however recent the init fetch, and finds the key.
    clock.advance(Duration.ofSeconds(1));
    for (LambdaUnderTest lambda : lambdas) {
      LambdaUnderTest.Invocation refetched = lambda.invoke(ENDPOINT, after.accessToken());
      assertAuthorized(refetched, keycloak.issuer(), ENDPOINT, after.claims());
      assertEquals(1, refetched.jwksFetches(), refetched::toString);
      LambdaUnderTest.Invocation again = lambda.invoke(ENDPOINT, after.accessToken());
      assertAuthorized(again, keycloak.issuer(), ENDPOINT, after.claims());
      assertEquals(0, again.jwksFetches(), "the new key is cached now");
    }

    // 3. A made-up kid refetches once; that refetch lacks it too, so further unknown kids cause no fetch within the
    //    refetch interval (a flood of made-up kids cannot become a flood of fetches), and one again after it.
    clock.advance(Duration.ofSeconds(1));
    for (LambdaUnderTest lambda : lambdas) {
      LambdaUnderTest.Invocation first = lambda.invoke(ENDPOINT, withKid(after.accessToken(), "made-up-1"));
      assertDenied(first, ReasonCode.UNKNOWN_KID, ENDPOINT, false);
      assertEquals(1, first.jwksFetches(), first::toString);
      LambdaUnderTest.Invocation quiet = lambda.invoke(ENDPOINT, withKid(after.accessToken(), "made-up-2"));
      assertDenied(quiet, ReasonCode.UNKNOWN_KID, ENDPOINT, false);
      assertEquals(0, quiet.jwksFetches(), quiet::toString);
    }
    clock.advance(REFETCH_INTERVAL.plusSeconds(1));
    for (LambdaUnderTest lambda : lambdas) {
      LambdaUnderTest.Invocation later = lambda.invoke(ENDPOINT, withKid(after.accessToken(), "made-up-3"));
      assertDenied(later, ReasonCode.UNKNOWN_KID, ENDPOINT, false);
      assertEquals(1, later.jwksFetches(), later::toString);
    }

    // 4. Old tokens keep validating while the old key exists.
    for (LambdaUnderTest lambda : lambdas) {
      assertAuthorized(lambda.invoke(ENDPOINT, before.accessToken()), keycloak.issuer(), ENDPOINT, before.claims());
    }

    // 5. The operator deletes the old key. The authorizers trust their cached copy until the TTL has passed ...
    deleteComponent(keycloak, old.componentId());
    assertFalse(publishedKids(keycloak).contains(old.kid()), "Keycloak no longer publishes the old key");
    for (LambdaUnderTest lambda : lambdas) {
      LambdaUnderTest.Invocation cached = lambda.invoke(ENDPOINT, before.accessToken());
      assertAuthorized(cached, keycloak.issuer(), ENDPOINT, before.claims());
      assertEquals(0, cached.jwksFetches(), cached::toString);
    }

    // ... and then fetch the keys again, without the old one: old tokens are UNKNOWN_KID, new ones still pass.
    clock.advance(TTL.plusSeconds(1));
    for (LambdaUnderTest lambda : lambdas) {
      LambdaUnderTest.Invocation removed = lambda.invoke(ENDPOINT, before.accessToken());
      assertDenied(removed, ReasonCode.UNKNOWN_KID, ENDPOINT, false);
      assertEquals(1, removed.jwksFetches(), "one fetch when the TTL ran out: " + removed);
      assertAuthorized(lambda.invoke(ENDPOINT, after.accessToken()), keycloak.issuer(), ENDPOINT, after.claims());
    }

    // A Lambda environment started after the rotation never knew the old key.
    LambdaUnderTest fresh = LambdaUnderTest.init(environment(KeycloakSetup.KEYCLOAK_JWKS, keycloak));
    assertDenied(fresh.invoke(ENDPOINT, before.accessToken()), ReasonCode.UNKNOWN_KID, ENDPOINT, false);
    assertAuthorized(fresh.invoke(ENDPOINT, after.accessToken()), keycloak.issuer(), ENDPOINT, after.claims());
    assertEquals(rotated.kid(), activeRs256Key(keycloak).kid(), "the realm is left with the new key signing");
  }

  private static Map<String, String> environment(KeycloakSetup setup, Keycloak keycloak) {
    return setup.environment(keycloak,
        "AUTHORIZER_JWKS_TTL_SECONDS", Long.toString(TTL.toSeconds()),
        "AUTHORIZER_JWKS_REFETCH_INTERVAL_SECONDS", Long.toString(REFETCH_INTERVAL.toSeconds()));
  }

  // ---- the realm's keys, through the admin API ----

  /** A key of the realm as the admin API lists it ({@code GET /admin/realms/smart/keys}). */
  record RealmKey(String kid, String componentId, long priority) {}

  /** The RS256 key that signs now: the active RS256 key of the highest priority. */
  static RealmKey activeRs256Key(Keycloak keycloak) {
    HttpResponse<String> response = keycloak.admin("GET", "/" + SmartRealm.REALM + "/keys", null);
    assertEquals(200, response.statusCode(), response.body());
    Map<String, Object> keys = Jwts.json(response.body());
    String kid = (String) Jwts.asObject(keys.get("active")).get("RS256");
    Map<String, Object> key = ((List<?>) keys.get("keys")).stream()
        .map(Jwts::asObject)
        .filter(k -> kid.equals(k.get("kid")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no key " + kid + " in " + response.body()));
    return new RealmKey(kid, (String) key.get("providerId"), ((Number) key.get("providerPriority")).longValue());
  }

  /** Adds an {@code rsa-generated} key provider (a new 2048-bit RS256 key pair); returns its component id. */
  static String addRs256Key(Keycloak keycloak, long priority) {
    HttpResponse<String> realm = keycloak.admin("GET", "/" + SmartRealm.REALM, null);
    assertEquals(200, realm.statusCode(), realm.body());
    String realmId = (String) Jwts.json(realm.body()).get("id");
    String component = "{\"name\":\"rotated-rsa-" + System.currentTimeMillis() + "\",\"providerId\":\"rsa-generated\","
        + "\"providerType\":\"" + KEY_PROVIDER_TYPE + "\",\"parentId\":\"" + realmId + "\",\"config\":{"
        + "\"priority\":[\"" + priority + "\"],\"algorithm\":[\"RS256\"],\"keySize\":[\"2048\"],"
        + "\"active\":[\"true\"],\"enabled\":[\"true\"]}}";
    HttpResponse<String> created = keycloak.admin("POST", "/" + SmartRealm.REALM + "/components", component);
    assertEquals(201, created.statusCode(), created.body());
    String location = created.headers().firstValue("Location").orElseThrow();
    return location.substring(location.lastIndexOf('/') + 1);
  }

  static void deleteComponent(Keycloak keycloak, String componentId) {
    HttpResponse<String> deleted = keycloak.admin("DELETE", "/" + SmartRealm.REALM + "/components/" + componentId,
        null);
    assertEquals(204, deleted.statusCode(), deleted.body());
  }

  /** The {@code kid}s of realm smart's public JWKS (what the authorizer fetches). */
  static Set<String> publishedKids(Keycloak keycloak) {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(keycloak.jwksUri())).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
      return ((List<?>) Jwts.json(response.body()).get("keys")).stream()
          .map(Jwts::asObject)
          .map(key -> (String) key.get("kid"))
          .collect(Collectors.toSet());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
