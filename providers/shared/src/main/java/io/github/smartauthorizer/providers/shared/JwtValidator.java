package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.Deadline;
import io.github.smartauthorizer.api.HealthLakeRequest;
import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.Rejection;
import io.github.smartauthorizer.api.TokenTimes;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.ValidationResult;
import io.github.smartauthorizer.api.VerifiedToken;
import io.github.smartauthorizer.api.spi.ValidatorCounters;
import io.github.smartauthorizer.api.spi.ValidatorDiagnostics;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Validates JWT access tokens locally against an issuer's JWKS. Immutable and thread-safe once built.
 *
 * <p>The pipeline, first failure wins: the strict front door ({@link CompactJws}); header rules ({@code alg} exactly in
 * the allow-list, {@code crit} refused, {@code cty: JWT} and {@code b64} refused, {@code kid} a short string; header
 * key sources such as {@code jku}, {@code x5u}, {@code x5c} and {@code jwk} are never used, not even read); the key by
 * {@code kid}, bound to the token's algorithm; the signature ({@link VerificationKey#verify}); then the claims: {@code iss} exactly, {@code exp} required,
 * {@code nbf} and {@code iat} not in the future (each with the clock skew), {@code aud} containing the configured
 * audience or the data store endpoint (one trailing slash tolerated), the header {@code typ} when required, then the
 * provider's own {@link ClaimCheck}s.
 *
 * <p><b>Lifecycle.</b> {@link #prime} fetches the keys with the host's timeout and then runs the decision path with no
 * network ({@link DecisionPathPriming}); {@link #refreshAfterRestore} fetches the keys again; {@link #diagnostics}
 * names the JWKS location and the keys held; {@link #counters} counts the key fetches.
 */
public final class JwtValidator implements TokenValidator {
  static final int MAX_KID_LENGTH = 256;

  private final String issuer;
  private final List<String> audiences;
  private final Set<JwsAlgorithm> algorithms;
  private final Duration clockSkew;
  private final String requiredType;
  private final int maxTokenBytes;
  private final JwksCache keys;
  private final Clock clock;
  private final List<ClaimCheck> checks;
  private final TokenCustomizer customizer;
  private final boolean skipAudience;

  private JwtValidator(Builder b) {
    this.issuer = Objects.requireNonNull(b.issuer, "issuer");
    this.audiences = List.copyOf(b.audiences);
    this.algorithms = Set.copyOf(b.algorithms);
    this.clockSkew = b.clockSkew;
    this.requiredType = b.requiredType;
    this.maxTokenBytes = b.maxTokenBytes;
    this.keys = Objects.requireNonNull(b.keys, "keys");
    this.clock = b.clock;
    this.checks = List.copyOf(b.checks);
    this.customizer = b.customizer;
    this.skipAudience = b.skipAudience;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The key cache, for priming and metrics. */
  public JwksCache keys() {
    return keys;
  }

  @Override
  public ValidationResult validate(String bearerToken, HealthLakeRequest request) {
    try {
      return ValidationResult.accepted(verify(bearerToken, request, null));
    } catch (TokenRejectedException e) {
      return ValidationResult.rejected(e.rejection());
    }
  }

  /**
   * Before a SnapStart checkpoint: fetches the keys, each call bounded by {@code timeout} (keys supplied up front need
   * no fetch: {@link JwksCache#prefetch()}), then runs the decision path with no network: RS256 and ES256 tokens of
   * this issuer, signed by key pairs generated now and kept nowhere, go through {@link VerificationKey} and through
   * this validator's pipeline with the throwaway key handed in (never through the key cache, so no unknown {@code kid}
   * causes a fetch). Never throws; a failed fetch is logged by the key cache.
   */
  @Override
  public void prime(Duration timeout) {
    try {
      keys.prefetch(timeout);
    } catch (RuntimeException e) {
      // prefetch logs its failures and does not throw; nothing else may stop the priming
    }
    primeDecisionPath();
  }

  /**
   * After a SnapStart restore: fetches the keys again (a rotation may have happened meanwhile); keys supplied up front
   * are trusted as of the restore instead, as at a cold start ({@link JwksCache#prefetch()}). Never throws.
   */
  @Override
  public void refreshAfterRestore(Duration timeout) {
    try {
      keys.prefetch(timeout);
    } catch (RuntimeException e) {
      // as in prime
    }
  }

  /** The JWKS location, the keys cached and the fetches made; a problem when no key is cached. */
  @Override
  public ValidatorDiagnostics diagnostics() {
    int size = keys.size();
    long fetches = keys.fetchCount();
    String state = size + " verification key" + (size == 1 ? "" : "s") + " cached after " + fetches + " fetch"
        + (fetches == 1 ? "" : "es") + (keys.holdsSuppliedKeys() ? " (supplied up front)" : "");
    List<String> problems = size > 0 ? List.of() : List.of("no verification key could be fetched (the log says why);"
        + " every request is denied IDP_UNAVAILABLE until the JWKS answers");
    return new ValidatorDiagnostics("JWTs verified locally against the issuer's JWKS",
        List.of(keys.location().toString()), state, problems);
  }

  /** The key fetches (JWKS, with its discovery call), the prefetches included. */
  @Override
  public ValidatorCounters counters() {
    return new ValidatorCounters(keys.fetchCount(), 0, 0);
  }

  /**
   * Runs the priming tokens of {@link DecisionPathPriming} through the signature code and this pipeline.
   *
   * @return how many of those runs the pipeline accepted (a provider's own checks may refuse them all), for tests
   */
  int primeDecisionPath() {
    List<DecisionPathPriming.Primer> primers;
    try {
      primers = DecisionPathPriming.primers(issuer,
          audiences.isEmpty() ? DecisionPathPriming.PRIMING_DATASTORE : audiences.get(0),
          requiredType == null ? "JWT" : requiredType, clock.instant());
    } catch (GeneralSecurityException | RuntimeException e) {
      return 0; // no priming key (a JDK without RSA or P-256 is not one Lambda runs)
    }
    long stopAt = System.nanoTime() + DecisionPathPriming.MAX_TIME.toNanos();
    int accepted = 0;
    for (int round = 0; round < DecisionPathPriming.ROUNDS && System.nanoTime() - stopAt < 0; round++) {
      for (DecisionPathPriming.Primer primer : primers) {
        try {
          DecisionPathPriming.verifySignature(primer);
          verify(primer.token(), DecisionPathPriming.request(primer.token()), primer.key());
          accepted++;
        } catch (TokenRejectedException | RuntimeException e) {
          // refused (an algorithm not allowed, a provider's own check) or failed: the code ran all the same
        }
      }
    }
    return accepted;
  }

  /**
   * The pipeline.
   *
   * @param primingKey {@code null} for every request; only {@link #primeDecisionPath} passes its throwaway key
   */
  private VerifiedToken verify(String token, HealthLakeRequest request, VerificationKey primingKey)
      throws TokenRejectedException {
    CompactJws jws = CompactJws.parse(token, maxTokenBytes, this::checkHeader);
    Map<String, Object> header = jws.header();
    checkSignature(jws, request.deadline(), primingKey);
    Map<String, Object> claims = jws.payload();
    TokenTimes times = ClaimRules.times(claims);
    try {
      ClaimRules.checkIssuer(claims, issuer);
      ClaimRules.checkTimes(times, clock, clockSkew);
      checkAudience(claims, request);
      checkType(header);
      for (ClaimCheck check : checks) {
        check.check(header, claims, request);
      }
    } catch (TokenRejectedException e) {
      Rejection r = e.rejection();
      throw new TokenRejectedException(new Rejection(r.reason(), r.detail(), times));
    }
    VerifiedToken.Builder builder = ClaimNormalizer.standard(claims, times);
    customizer.customize(claims, builder);
    return builder.build();
  }

  /**
   * The JWS layer alone (RFC 7515): the front door without the requirement that the payload be a JSON claim set, the
   * header rules, the key and the signature, exactly as {@link #validate} runs them. For checking signatures against
   * whole-JWS test vectors (Wycheproof), whose payloads are often not JSON.
   *
   * @throws TokenRejectedException when the JWS would be refused
   */
  void verifyJws(String token) throws TokenRejectedException {
    checkSignature(CompactJws.parseJws(token, maxTokenBytes), Deadline.none(), null);
  }

  private void checkSignature(CompactJws jws, Deadline deadline, VerificationKey primingKey)
      throws TokenRejectedException {
    Map<String, Object> header = jws.header();
    JwsAlgorithm algorithm = checkHeader(header);
    String kid = kid(header);
    VerificationKey key = primingKey == null ? keys.key(kid, algorithm, deadline) : primingKey;
    if (!key.verifies(jws)) {
      throw new TokenRejectedException(ReasonCode.BAD_SIGNATURE, "signature does not verify");
    }
  }

  /** The header rules; run by the front door before the payload is decoded, and again to pick the algorithm. */
  private JwsAlgorithm checkHeader(Map<String, Object> header) throws TokenRejectedException {
    Object alg = header.get("alg");
    if (!(alg instanceof String name)) {
      throw new TokenRejectedException(ReasonCode.ALG_NOT_ALLOWED, "alg missing or not a string");
    }
    JwsAlgorithm algorithm = JwsAlgorithm.byName(name).filter(algorithms::contains).orElseThrow(
        () -> new TokenRejectedException(ReasonCode.ALG_NOT_ALLOWED, "alg not in the allow-list"));
    if (header.containsKey("crit")) {
      throw new TokenRejectedException(ReasonCode.UNSUPPORTED_CRIT, "crit names extensions this validator does not implement");
    }
    if (header.containsKey("b64")) {
      throw new TokenRejectedException(ReasonCode.MALFORMED_TOKEN, "b64 (RFC 7797) is not supported");
    }
    Object cty = header.get("cty");
    if (cty != null) {
      String type = cty instanceof String s ? s.toLowerCase(Locale.ROOT) : "";
      if (type.equals("jwt") || type.equals("application/jwt")) {
        throw new TokenRejectedException(ReasonCode.NESTED_JWT_UNSUPPORTED, "nested JWT");
      }
    }
    if (header.containsKey("enc") || header.containsKey("zip")) {
      throw new TokenRejectedException(ReasonCode.MALFORMED_TOKEN, "JWE header members in a JWS");
    }
    return algorithm;
  }

  private static String kid(Map<String, Object> header) throws TokenRejectedException {
    if (!header.containsKey("kid")) {
      return null;
    }
    Object kid = header.get("kid");
    if (!(kid instanceof String s) || s.isEmpty() || s.length() > MAX_KID_LENGTH) {
      throw new TokenRejectedException(ReasonCode.MALFORMED_TOKEN, "kid is not a short non-empty string");
    }
    return s;
  }

  private void checkAudience(Map<String, Object> claims, HealthLakeRequest request) throws TokenRejectedException {
    if (!skipAudience) {
      ClaimRules.checkAudience(claims, audiences.isEmpty() ? List.of(request.datastoreEndpoint()) : audiences);
    }
  }

  private void checkType(Map<String, Object> header) throws TokenRejectedException {
    if (requiredType == null) {
      return;
    }
    Object typ = header.get("typ");
    if (!(typ instanceof String s) || !MediaTypes.sameType(s, requiredType)) {
      throw new TokenRejectedException(ReasonCode.INVALID_TOKEN_TYPE, "header typ is not " + requiredType);
    }
  }

  /** Builds a {@link JwtValidator}; not thread-safe. */
  public static final class Builder {
    private String issuer;
    private final List<String> audiences = new ArrayList<>();
    private Set<JwsAlgorithm> algorithms = EnumSet.of(JwsAlgorithm.RS256);
    private Duration clockSkew = Duration.ofSeconds(60);
    private String requiredType;
    private int maxTokenBytes = 8192;
    private JwksCache keys;
    private Clock clock = Clock.systemUTC();
    private final List<ClaimCheck> checks = new ArrayList<>();
    private TokenCustomizer customizer = TokenCustomizer.NONE;
    private boolean skipAudience;

    private Builder() {}

    /** The exact {@code iss} required. */
    public Builder issuer(String value) {
      this.issuer = value;
      return this;
    }

    /** Accepted audiences; when none are given, the request's data store endpoint is the audience. */
    public Builder audiences(List<String> values) {
      this.audiences.clear();
      this.audiences.addAll(values);
      return this;
    }

    /**
     * Skips the {@code aud} check entirely, for IdPs whose access tokens carry no audience (Cognito); the provider must
     * then bind the token to its client with a {@link ClaimCheck}.
     */
    public Builder withoutAudienceCheck() {
      this.skipAudience = true;
      return this;
    }

    public Builder algorithms(Set<JwsAlgorithm> values) {
      this.algorithms = EnumSet.copyOf(values);
      return this;
    }

    public Builder clockSkew(Duration value) {
      this.clockSkew = value;
      return this;
    }

    /** A header {@code typ} to require, e.g. {@code at+jwt} (RFC 9068 §2.1); {@code null} for none. */
    public Builder requiredType(String value) {
      this.requiredType = value;
      return this;
    }

    public Builder maxTokenBytes(int value) {
      this.maxTokenBytes = value;
      return this;
    }

    public Builder keys(JwksCache value) {
      this.keys = value;
      return this;
    }

    public Builder clock(Clock value) {
      this.clock = value;
      return this;
    }

    public Builder addCheck(ClaimCheck check) {
      this.checks.add(check);
      return this;
    }

    public Builder customizer(TokenCustomizer value) {
      this.customizer = value;
      return this;
    }

    public JwtValidator build() {
      return new JwtValidator(this);
    }
  }
}
