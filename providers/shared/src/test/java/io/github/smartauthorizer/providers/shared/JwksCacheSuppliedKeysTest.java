package io.github.smartauthorizer.providers.shared;

import static io.github.smartauthorizer.providers.shared.TestRequests.DATASTORE_ENDPOINT;
import static io.github.smartauthorizer.providers.shared.ValidationResults.accepted;
import static io.github.smartauthorizer.providers.shared.ValidationResults.reason;
import static io.github.smartauthorizer.providers.shared.ValidationResults.validate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.api.spi.SecretSource;
import io.github.smartauthorizer.api.spi.ValidatorCounters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys supplied up front ({@code AUTHORIZER_JWKS_FILE}, {@code AUTHORIZER_JWKS}), through {@link JwtSettings#configure}
 * and {@link JwtValidator} as a provider builds them, against a JWKS endpoint on loopback that records every request:
 * no request at init or for the first decision, and afterwards the rules of every fetched key set (unknown-kid
 * refetch, background refresh from three quarters of the TTL, max-stale), counted from when the keys were supplied.
 */
class JwksCacheSuppliedKeysTest {
  private static final String ISSUER = "https://idp.example.com";
  private static final Duration TTL = Duration.ofMinutes(10);
  private static final Duration MAX_STALE = Duration.ofHours(1);
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final TestClock clock = new TestClock();
  private final JwsSigner k1 = JwsSigner.generate(JwsAlgorithm.ES256, "k1");
  private final JwsSigner k2 = JwsSigner.generate(JwsAlgorithm.ES256, "k2");
  private JwksLoopback idp;
  private TestProviderContext context;

  @TempDir
  Path directory;

  @BeforeEach
  void start() {
    idp = new JwksLoopback().serve(jwks(k1));
  }

  @AfterEach
  void stop() {
    idp.close();
  }

  private static String jwks(JwsSigner... signers) {
    List<Map<String, Object>> keys = new ArrayList<>();
    for (JwsSigner signer : signers) {
      keys.add(signer.publicJwk());
    }
    return new String(TestKeys.jwks(keys), StandardCharsets.UTF_8);
  }

  /** A validator built and prefetched as a provider does it at init, with these variables added. */
  private JwtValidator init(String... variables) {
    Map<String, String> all = new HashMap<>(Map.of(
        "AUTHORIZER_ALGORITHMS", "ES256",
        "AUTHORIZER_JWKS_TTL_SECONDS", Long.toString(TTL.toSeconds()),
        "AUTHORIZER_JWKS_MAX_STALE_SECONDS", Long.toString(MAX_STALE.toSeconds())));
    all.putAll(TestProviderContext.variables(Map.of(), variables));
    context = TestProviderContext.of(all, clock);
    JwtValidator validator = JwtSettings.configure(context, ISSUER, JwksLocation.fixed(idp.jwksUri())).build();
    validator.keys().prefetch();
    return validator;
  }

  private Path file(String content) throws IOException {
    return Files.writeString(directory.resolve("jwks.json"), content);
  }

  /** A token valid long past the TTL and max-stale, so that only the keys decide. */
  private String token(JwsSigner signer) {
    return signer.sign(TestTokens.claims(ISSUER, DATASTORE_ENDPOINT, clock.epochSecond(),
        TTL.plus(MAX_STALE).multipliedBy(3).toSeconds()));
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long giveUpAt = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - giveUpAt > 0) {
        throw new AssertionError("timed out waiting: " + what);
      }
      Thread.sleep(10);
    }
  }

  // --- no request at init -----------------------------------------------------------------------------------------

  @Test
  void aTokenIsAcceptedWithNoRequestAtInitNorForTheFirstDecision() {
    JwtValidator validator = init("AUTHORIZER_JWKS", jwks(k1));
    assertEquals(0, idp.requestCount(), "nothing fetched at init");

    accepted(validate(validator, token(k1)));

    assertEquals(0, idp.requestCount(), "nothing fetched for the first decision: " + idp.requests());
    assertEquals(new ValidatorCounters(0, 0, 0), validator.counters());
    assertEquals("1 verification key cached after 0 fetches (supplied up front)", validator.diagnostics().state());
    assertTrue(validator.diagnostics().ready());
    assertEquals(List.of(idp.jwksUri().toString()), validator.diagnostics().endpoints(), "the source of refreshes");
  }

  @Test
  void aJwksFileIsTrustedAtInitLikeTheInlineDocument() throws IOException {
    JwtValidator validator = init("AUTHORIZER_JWKS_FILE", file(jwks(k1, k2)).toString());

    accepted(validate(validator, token(k1)));
    accepted(validate(validator, token(k2)));

    assertEquals(0, idp.requestCount(), idp.requests().toString());
    assertEquals(2, validator.keys().size());
  }

  @Test
  void aSnapStartCheckpointAndRestoreFetchNothingAndTrustTheSuppliedKeysAsOfTheRestore() {
    JwtValidator validator = init("AUTHORIZER_JWKS", jwks(k1));
    validator.prime(TIMEOUT);
    clock.advance(Duration.ofDays(3)); // the snapshot waits; the supplied keys are as old as the checkpoint

    validator.refreshAfterRestore(TIMEOUT);
    clock.advance(TTL.multipliedBy(3).dividedBy(4).minusSeconds(1));
    accepted(validate(validator, token(k1)));

    assertEquals(0, idp.requestCount(), "no fetch at the checkpoint, the restore, nor the request: the keys count"
        + " from the restore, as from a cold start: " + idp.requests());
  }

  @Test
  void keysThePolicySkipsAreLoggedAndTheOthersUsed() {
    Map<String, Object> encryption = TestKeys.rsaJwk((RSAPublicKey) TestKeys.rsa().getPublic(), "enc-1", "RSA-OAEP");
    encryption.put("use", "enc");
    List<Map<String, Object>> keys = List.of(k1.publicJwk(), encryption);
    JwtValidator validator = init("AUTHORIZER_JWKS", new String(TestKeys.jwks(keys), StandardCharsets.UTF_8));

    accepted(validate(validator, token(k1)));

    assertEquals(1, validator.keys().size());
    assertTrue(context.log().all().contains("JWKS key of AUTHORIZER_JWKS not used"), context.log().all());
    assertEquals(0, idp.requestCount());
  }

  // --- the rules of a fetched key set ------------------------------------------------------------------------------

  @Test
  void aKeyTheIdpAddedIsFoundByTheUnknownKidRefetch() {
    JwtValidator validator = init("AUTHORIZER_JWKS", jwks(k1));
    idp.serve(jwks(k1, k2)); // rotated after the file was made

    accepted(validate(validator, token(k2)));
    accepted(validate(validator, token(k1)));

    assertEquals(List.of("/jwks.json"), idp.requests(), "one refetch, for the unknown kid");
    assertEquals("2 verification keys cached after 1 fetch", validator.diagnostics().state(),
        "the fetched set replaced the supplied one");
  }

  @Test
  void aKeyTheIdpRemovedStopsWorkingOnceAFetchReplacesTheSuppliedSet() {
    JwtValidator validator = init("AUTHORIZER_JWKS", jwks(k1));
    idp.serve(jwks(k2)); // k1 retired at the IdP, still in the supplied set
    accepted(validate(validator, token(k1)));

    accepted(validate(validator, token(k2)));
    clock.advance(Duration.ofSeconds(1));

    assertEquals(ReasonCode.UNKNOWN_KID, reason(validate(validator, token(k1))));
    assertEquals(2, idp.requestCount(), "the refetch for k2, then one for k1, which the IdP no longer has");
  }

  @Test
  void theFirstRefreshIsQueuedForTheBackgroundFromThreeQuartersOfTheTtlAndNeverRunByTheRequest() {
    List<Runnable> background = new ArrayList<>();
    JwksCache keys = JwksCache.builder()
        .fetcher(new HttpFetcher(TIMEOUT, JwtSettings.MAX_DOCUMENT_BYTES))
        .location(JwksLocation.fixed(idp.jwksUri()))
        .algorithms(EnumSet.of(JwsAlgorithm.ES256))
        .clock(clock)
        .ttl(TTL)
        .refreshExecutor(background::add)
        .suppliedKeys(parse(jwks(k1)))
        .log(new RecordingLogger("test"))
        .build();
    JwtValidator validator = JwtValidator.builder().issuer(ISSUER).algorithms(EnumSet.of(JwsAlgorithm.ES256))
        .keys(keys).clock(clock).build();
    String token = token(k1);
    assertTrue(keys.prefetch());

    clock.advance(TTL.multipliedBy(3).dividedBy(4).minusSeconds(1));
    accepted(validate(validator, token));
    assertEquals(List.of(), background, "nothing due before three quarters of the TTL");

    clock.advance(Duration.ofSeconds(1));
    accepted(validate(validator, token));
    assertEquals(1, background.size(), "the refresh was handed to the background");
    assertEquals(0, idp.requestCount(), "and the decision did not run it");

    background.get(0).run();
    assertEquals(1, idp.requestCount());
    assertFalse(keys.holdsSuppliedKeys());
    clock.advance(TTL.minusSeconds(1));
    accepted(validate(validator, token));
    assertEquals(1, idp.requestCount(), "the refreshed keys are fresh for a whole TTL again");
  }

  @Test
  void aConfiguredValidatorRefreshesTheSuppliedKeysInTheBackgroundLater() throws InterruptedException {
    JwtValidator validator = init("AUTHORIZER_JWKS", jwks(k1));
    String token = token(k1);
    accepted(validate(validator, token));
    clock.advance(TTL.multipliedBy(3).dividedBy(4));

    accepted(validate(validator, token));

    await(() -> !validator.keys().holdsSuppliedKeys(), "the background refresh");
    assertEquals(List.of("/jwks.json"), idp.requests());
    assertEquals(1, validator.counters().keyFetches());
  }

  @Test
  void aSuppliedSetPastItsTtlAndMaxStaleWithTheIdpDownIsIdpUnavailable() {
    idp.answer(503, "unavailable");
    JwtValidator validator = init("AUTHORIZER_JWKS", jwks(k1));
    String token = token(k1);

    clock.advance(TTL.plusSeconds(1));
    accepted(validate(validator, token));
    assertEquals(1, idp.requestCount(), "the expired keys were refetched, which failed; they serve while stale");

    clock.advance(MAX_STALE.minusSeconds(2));
    accepted(validate(validator, token));

    clock.advance(Duration.ofSeconds(1));
    assertEquals(ReasonCode.IDP_UNAVAILABLE, reason(validate(validator, token)),
        "TTL + max-stale after the keys were supplied");
  }

  private static JwkSet parse(String document) {
    try {
      return new JwkSetParser(EnumSet.of(JwsAlgorithm.ES256)).parse(document.getBytes(StandardCharsets.UTF_8)).keys();
    } catch (JwkSetParser.InvalidJwksException e) {
      throw new AssertionError(e);
    }
  }

  // --- configuration errors ---------------------------------------------------------------------------------------

  private ConfigurationException configurationError(String... variables) {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> init(variables));
    assertEquals(0, idp.requestCount(), "a configuration error fetches nothing");
    return e;
  }

  @Test
  void aMalformedSuppliedJwksIsAConfigurationErrorNamingTheVariable() {
    ConfigurationException e = configurationError("AUTHORIZER_JWKS", "{\"keys\":[");

    assertEquals("AUTHORIZER_JWKS", e.variable());
    assertTrue(e.getMessage().startsWith("AUTHORIZER_JWKS expects a JWKS of the issuer's public keys"),
        e.getMessage());
  }

  @Test
  void aSuppliedJwksHoldingPrivateKeyMaterialIsRefusedWhole() {
    Map<String, Object> leaked = k2.publicJwk();
    leaked.put("d", "AAAA");

    ConfigurationException e = configurationError("AUTHORIZER_JWKS",
        new String(TestKeys.jwks(List.of(k1.publicJwk(), leaked)), StandardCharsets.UTF_8));

    assertEquals("AUTHORIZER_JWKS", e.variable());
    assertTrue(e.getMessage().contains("private or symmetric key material"), e.getMessage());
  }

  @Test
  void aSuppliedJwksWithoutAKeyForTheAllowedAlgorithmsIsAConfigurationError() throws IOException {
    String rsaOnly = new String(TestKeys.jwks(List.of(
        TestKeys.rsaJwk((RSAPublicKey) TestKeys.rsa().getPublic(), "r1", "RS256"))), StandardCharsets.UTF_8);

    ConfigurationException e = configurationError("AUTHORIZER_JWKS_FILE", file(rsaOnly).toString());

    assertEquals("AUTHORIZER_JWKS_FILE", e.variable());
    assertTrue(e.getMessage().contains("holds no key usable with the allowed algorithms [ES256]"), e.getMessage());
    assertTrue(e.getMessage().contains("alg not in the allow-list"), e.getMessage());
  }

  @Test
  void aMissingJwksFileIsAConfigurationErrorNamingTheVariableAndWhatItExpects() {
    String missing = directory.resolve("absent.json").toString();

    ConfigurationException e = configurationError("AUTHORIZER_JWKS_FILE", missing);

    assertEquals("AUTHORIZER_JWKS_FILE", e.variable());
    assertEquals("AUTHORIZER_JWKS_FILE names a file that does not exist: '" + missing + "'; expects the path of a"
        + " JWKS file of the issuer's public keys, e.g. /opt/jwks.json from a Lambda layer", e.getMessage());
  }

  @Test
  void aDirectoryIsNotAJwksFile() {
    ConfigurationException e = configurationError("AUTHORIZER_JWKS_FILE", directory.toString());

    assertEquals("AUTHORIZER_JWKS_FILE", e.variable());
    assertTrue(e.getMessage().contains("cannot be read"), e.getMessage());
  }

  @Test
  void aMalformedJwksFileIsAConfigurationErrorNamingTheFileVariable() throws IOException {
    ConfigurationException e = configurationError("AUTHORIZER_JWKS_FILE", file("<html>not here</html>").toString());

    assertEquals("AUTHORIZER_JWKS_FILE", e.variable());
  }

  @Test
  void aJwksFileOverTheDocumentCapIsAConfigurationError() throws IOException {
    ConfigurationException e = configurationError("AUTHORIZER_JWKS_FILE",
        file(" ".repeat(JwtSettings.MAX_DOCUMENT_BYTES) + jwks(k1)).toString());

    assertTrue(e.getMessage().contains("larger than " + JwtSettings.MAX_DOCUMENT_BYTES + " bytes"), e.getMessage());
  }

  @Test
  void bothWaysAtOnceIsAConfigurationError() throws IOException {
    ConfigurationException e = configurationError("AUTHORIZER_JWKS", jwks(k1),
        "AUTHORIZER_JWKS_FILE", file(jwks(k1)).toString());

    assertEquals("AUTHORIZER_JWKS_FILE", e.variable());
    assertEquals("AUTHORIZER_JWKS_FILE cannot be set together with AUTHORIZER_JWKS: supply the keys one way",
        e.getMessage());
  }

  @Test
  void anInstanceOfSeveralProvidersNamesItsOwnVariable() {
    Configuration staff = Configuration.of(Map.of("AUTHORIZER_STAFF_JWKS", "[]")).scoped("staff");

    ConfigurationException e = assertThrows(ConfigurationException.class, () -> JwtSettings.configure(
        TestProviderContext.of(staff, SecretSource.none(), clock), ISSUER, JwksLocation.fixed(idp.jwksUri())));

    assertEquals("AUTHORIZER_STAFF_JWKS", e.variable());
  }
}
