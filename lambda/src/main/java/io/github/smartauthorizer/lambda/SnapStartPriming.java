package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.providers.shared.Base64Url;
import io.github.smartauthorizer.providers.shared.IntrospectionValidator;
import io.github.smartauthorizer.providers.shared.JwsAlgorithm;
import io.github.smartauthorizer.providers.shared.JwtValidator;
import io.github.smartauthorizer.providers.shared.VerificationKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart (CRaC) hooks of the Lambda handler: what to do before Lambda snapshots an initialised function and after
 * it restores one. Registered by {@link HealthLakeAuthorizerHandler}; on a JVM without CRaC the registration does
 * nothing and neither hook ever runs.
 *
 * <p><b>Before the checkpoint</b> (once per published version, not on any request's path):
 * <ol>
 *   <li>the keys are fetched again ({@link io.github.smartauthorizer.providers.shared.JwksCache#prefetch}) and an
 *       introspection client is warmed ({@link IntrospectionValidator#prime}: the HTTP stack loaded, a connection
 *       opened, the credentials tried with a token that cannot be active);
 *   <li>the decision path is loaded and compiled: RS256 and ES256 signatures of a key pair generated now are verified
 *       with {@link VerificationKey} (the JDK's RSA and EC code, our shape checks), and {@value #DECISIONS} rounds of
 *       events go through {@link Authorizer#decide} and the response JSON: an unreadable event; a malformed token
 *       (unless a provider of your own decides, which might call its IdP for it); and, unless a provider asks its IdP
 *       about every token (introspection, or a provider of your own) with a single provider, JWTs signed by the
 *       priming key. Those are denied ({@code UNKNOWN_KID} or {@code INVALID_ISSUER}: the priming key is trusted
 *       nowhere) without a network call, except at most one JWKS refetch per refetch interval, the rule for any
 *       unknown {@code kid}. Nothing is logged and no metric is written for them.
 * </ol>
 *
 * <p><b>After a restore</b> (the snapshot may be hours or days old): the keys are fetched again, so that a rotated
 * JWKS is seen at once and no request waits for the TTL refresh, and an introspection client opens a fresh connection
 * (the pooled ones died with the snapshot). Nothing else needs resetting: the authorizer draws no random numbers and
 * caches nothing random; the JWKS cache's times and the introspection cache's expiries are wall-clock instants checked
 * on every use, so they age correctly across a restore (and the introspection cache is empty in a snapshot: priming
 * never puts anything in it); the priming key pair is not kept. The client credentials read at init stay in memory (in
 * the snapshot, which Lambda encrypts) and are read again after an HTTP 401 as always.
 *
 * <p>Neither hook throws: a failed fetch is logged by the key cache and retried by requests, as at init.
 */
public final class SnapStartPriming implements Resource {
  /** Rounds of priming events before a checkpoint. */
  static final int DECISIONS = 300;
  /** Priming stops after this long even when the rounds are not done (a slow or throttled init). */
  static final Duration MAX_WARM_UP = Duration.ofSeconds(5);
  static final String PRIMING_ISSUER = "https://priming.smart-authorizer.invalid";
  static final String PRIMING_KID = "smart-authorizer-priming";
  private static final Duration DEFAULT_INIT_TIMEOUT = Duration.ofMillis(3000);

  /** The registered hooks: CRaC holds resources weakly, so they must be held here. */
  private static final Set<SnapStartPriming> REGISTERED = ConcurrentHashMap.newKeySet();

  private final Authorizer authorizer;
  private final Duration primeTimeout;
  private volatile int lastKeyRefreshes;
  private volatile int lastDecisions;

  SnapStartPriming(Authorizer authorizer, Duration primeTimeout) {
    this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
    this.primeTimeout = Objects.requireNonNull(primeTimeout, "primeTimeout");
  }

  /**
   * Registers the hooks of an authorizer with the global CRaC context (a no-op without CRaC) and keeps them
   * reachable. The introspection warm-up is bounded by {@code AUTHORIZER_INIT_TIMEOUT_MS} of the environment.
   *
   * @return the registered hooks
   */
  public static SnapStartPriming register(Authorizer authorizer) {
    SnapStartPriming priming = new SnapStartPriming(authorizer, initTimeout(System.getenv()));
    REGISTERED.add(priming);
    Core.getGlobalContext().register(priming);
    return priming;
  }

  static Duration initTimeout(Map<String, String> environment) {
    try {
      return Configuration.of(environment).millis("INIT_TIMEOUT_MS", DEFAULT_INIT_TIMEOUT, 50, 9_000);
    } catch (ConfigurationException e) {
      return DEFAULT_INIT_TIMEOUT;
    }
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    lastKeyRefreshes = refreshKeys();
    lastDecisions = warmUp();
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    lastKeyRefreshes = refreshKeys();
  }

  /** How many key caches and introspection clients the last hook refreshed (tests). */
  int lastKeyRefreshes() {
    return lastKeyRefreshes;
  }

  /** How many priming decisions the last {@link #beforeCheckpoint} made (tests). */
  int lastDecisions() {
    return lastDecisions;
  }

  private int refreshKeys() {
    int refreshed = 0;
    for (TokenValidator validator : authorizer.validators()) {
      try {
        if (validator instanceof JwtValidator jwt) {
          jwt.keys().prefetch();
          refreshed++;
        } else if (validator instanceof IntrospectionValidator introspection) {
          introspection.prime(primeTimeout);
          refreshed++;
        }
      } catch (RuntimeException e) {
        // prefetch and prime log their own failures and never throw; a provider of one's own might.
      }
    }
    return refreshed;
  }

  private int warmUp() {
    List<TokenValidator> validators = authorizer.validators();
    if (validators.isEmpty()) {
      return 0; // misconfigured: every request is denied CONFIGURATION_ERROR anyway
    }
    boolean routed = validators.size() > 1;
    boolean local = validators.stream().allMatch(v -> v instanceof JwtValidator);
    boolean known = validators.stream().allMatch(v -> v instanceof JwtValidator || v instanceof IntrospectionValidator);
    List<byte[]> events = new ArrayList<>();
    events.add("{\"datastoreEndpoint\":".getBytes(StandardCharsets.UTF_8));
    if (known) {
      events.add(event("priming.not-a-token!")); // refused by the front door of both, without a call
    }
    try {
      KeyPair rsa = keyPair("RSA", null);
      KeyPair ec = keyPair("EC", new ECGenParameterSpec("secp256r1"));
      String rs256 = selfMadeToken(JwsAlgorithm.RS256, "SHA256withRSA", rsa);
      String es256 = selfMadeToken(JwsAlgorithm.ES256, "SHA256withECDSAinP1363Format", ec);
      VerificationKey rsaKey = new VerificationKey(PRIMING_KID, JwsAlgorithm.RS256, rsa.getPublic());
      VerificationKey ecKey = new VerificationKey(PRIMING_KID, JwsAlgorithm.ES256, ec.getPublic());
      for (int i = 0; i < DECISIONS / 10; i++) {
        verify(rsaKey, rs256);
        verify(ecKey, es256);
      }
      if (routed || local) {
        events.add(event(rs256));
        events.add(event(es256));
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      // no priming key (a JDK without RSA or P-256 is not one Lambda runs): prime with the malformed events alone
    }
    long deadline = System.nanoTime() + MAX_WARM_UP.toNanos();
    int decisions = 0;
    for (int round = 0; round < DECISIONS && System.nanoTime() < deadline; round++) {
      for (byte[] event : events) {
        Decision decision = authorizer.decide(event);
        decision.responseJson();
        decisions++;
      }
    }
    warmLogFormat();
    return decisions;
  }

  private static void verify(VerificationKey key, String token) {
    int lastDot = token.lastIndexOf('.');
    key.verify(token.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII),
        Base64Url.decode(token.substring(lastDot + 1)));
  }

  /** Formats (without writing) a line like a decision log line, so that the JSON writer of the log is compiled too. */
  private static void warmLogFormat() {
    for (int i = 0; i < DECISIONS; i++) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("time", Instant.now().toString());
      line.put("level", "INFO");
      line.put("logger", "decision");
      line.put("outcome", "DENY");
      line.put("latencyMs", 0.25);
      line.put("token", TokenFingerprint.of("priming"));
      JsonText.object(line);
    }
  }

  private static KeyPair keyPair(String algorithm, ECGenParameterSpec curve) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    if (curve != null) {
      generator.initialize(curve);
    } else {
      generator.initialize(2048);
    }
    return generator.generateKeyPair();
  }

  /** A SMART-shaped access token of the priming issuer, signed by a key that no configuration trusts. */
  private static String selfMadeToken(JwsAlgorithm algorithm, String jdkName, KeyPair keyPair)
      throws GeneralSecurityException {
    long now = Instant.now().getEpochSecond();
    String header = "{\"alg\":\"" + algorithm.name() + "\",\"typ\":\"JWT\",\"kid\":\"" + PRIMING_KID + "\"}";
    String payload = "{\"iss\":\"" + PRIMING_ISSUER + "\",\"sub\":\"priming\",\"aud\":\"priming\",\"iat\":" + now
        + ",\"nbf\":" + now + ",\"exp\":" + (now + 60) + ",\"scope\":\"launch/patient patient/*.rs\","
        + "\"fhirUser\":\"Practitioner/priming\",\"patient\":\"priming\"}";
    String signingInput = Base64Url.encode(header.getBytes(StandardCharsets.UTF_8)) + "."
        + Base64Url.encode(payload.getBytes(StandardCharsets.UTF_8));
    Signature signer = Signature.getInstance(jdkName);
    signer.initSign(keyPair.getPrivate());
    signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + Base64Url.encode(signer.sign());
  }

  private static byte[] event(String token) {
    return ("{\"datastoreEndpoint\":\"https://healthlake.us-east-1.amazonaws.com/datastore/"
        + "00000000000000000000000000000000/r4/\",\"operationName\":\"SearchWithGet\",\"bearerToken\":\"" + token
        + "\",\"datastoreId\":\"00000000000000000000000000000000\"}").getBytes(StandardCharsets.UTF_8);
  }
}
