package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.api.spi.ValidatorCounters;
import java.nio.charset.StandardCharsets;
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
 * nothing and neither hook ever runs. Every provider, built-in or custom, is treated alike, through the api.
 *
 * <p><b>Before the checkpoint</b> (once per published version, not on any request's path):
 * <ol>
 *   <li>each provider instance's validator is {@linkplain TokenValidator#prime primed}: a provider of this project
 *       fetches its keys again or warms its introspection client (the HTTP stack loaded, a connection opened, the
 *       credentials tried with a token that cannot be active), and runs its decision path on tokens of a key pair
 *       made for the purpose;
 *   <li>the handler's own path is loaded and compiled: {@value #DECISIONS} rounds of events go through
 *       {@link Authorizer#decide} and the response JSON: an unreadable event and a malformed token. The token event is
 *       repeated only when the validator's {@linkplain TokenValidator#counters() counters} show that it made no call
 *       to the IdP for it; a validator that counts nothing (a provider of your own that does not say) gets it once.
 *       Signatures and claim rules are the provider's to prime (the toolkit's validators verify tokens of a key pair
 *       made for the purpose, without a network call). Nothing is logged and no metric is written for them.
 * </ol>
 *
 * <p><b>After a restore</b> (the snapshot may be hours or days old): each validator is
 * {@linkplain TokenValidator#refreshAfterRestore refreshed}: keys are fetched again (keys supplied up front are
 * trusted afresh from the restore instead), so that a rotated JWKS is seen at once and no request waits for the TTL refresh, and an introspection client opens a fresh connection (the pooled
 * ones died with the snapshot). Nothing else needs resetting: the authorizer draws no random numbers and caches
 * nothing random; the JWKS cache's times and the introspection cache's expiries are wall-clock instants checked on
 * every use, so they age correctly across a restore (and the introspection cache is empty in a snapshot: priming
 * never puts anything in it); the priming key pair is not kept. The client credentials read at init stay in memory
 * (in the snapshot, which Lambda encrypts) and are read again after an HTTP 401 as always.
 *
 * <p>Neither hook throws: a failed fetch is logged by the provider and retried by requests, as at init.
 */
public final class SnapStartPriming implements Resource {
  /** Rounds of priming events before a checkpoint. */
  static final int DECISIONS = 300;
  /** Priming stops after this long even when the rounds are not done (a slow or throttled init). */
  static final Duration MAX_WARM_UP = Duration.ofSeconds(5);
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
   * reachable. The priming and refresh calls are bounded by {@code AUTHORIZER_INIT_TIMEOUT_MS} of the environment.
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
    lastKeyRefreshes = forEachValidator(v -> v.prime(primeTimeout));
    lastDecisions = warmUp();
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    lastKeyRefreshes = forEachValidator(v -> v.refreshAfterRestore(primeTimeout));
  }

  /** How many validators the last hook primed or refreshed (tests). */
  int lastKeyRefreshes() {
    return lastKeyRefreshes;
  }

  /** How many priming decisions the last {@link #beforeCheckpoint} made (tests). */
  int lastDecisions() {
    return lastDecisions;
  }

  private int forEachValidator(java.util.function.Consumer<TokenValidator> hook) {
    int count = 0;
    for (TokenValidator validator : authorizer.validators()) {
      try {
        hook.accept(validator);
      } catch (RuntimeException e) {
        // the hooks log their own failures and must not throw; a provider of one's own might
      }
      count++;
    }
    return count;
  }

  private int warmUp() {
    TokenValidator validator = authorizer.validator();
    if (validator == null) {
      return 0; // misconfigured: every request is denied CONFIGURATION_ERROR anyway
    }
    List<byte[]> events = new ArrayList<>();
    events.add("{\"datastoreEndpoint\":".getBytes(StandardCharsets.UTF_8));
    List<byte[]> tokens = List.of(event("priming.not-a-token!"));
    int decisions = 0;
    boolean counted = !validator.counters().equals(ValidatorCounters.NONE);
    for (byte[] token : tokens) {
      long callsBefore = validator.counters().idpCalls();
      authorizer.decide(token).responseJson();
      decisions++;
      if (counted && validator.counters().idpCalls() == callsBefore) {
        events.add(token); // decided without asking the IdP: safe to repeat
      }
    }
    long deadline = System.nanoTime() + MAX_WARM_UP.toNanos();
    for (int round = 0; round < DECISIONS && System.nanoTime() < deadline; round++) {
      for (byte[] event : events) {
        authorizer.decide(event).responseJson();
        decisions++;
      }
    }
    warmLogFormat();
    return decisions;
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

  private static byte[] event(String token) {
    return ("{\"datastoreEndpoint\":\"https://healthlake.us-east-1.amazonaws.com/datastore/"
        + "00000000000000000000000000000000/r4/\",\"operationName\":\"SearchWithGet\",\"bearerToken\":\"" + token
        + "\",\"datastoreId\":\"00000000000000000000000000000000\"}").getBytes(StandardCharsets.UTF_8);
  }
}
