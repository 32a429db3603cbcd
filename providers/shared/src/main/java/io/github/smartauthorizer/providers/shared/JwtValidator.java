package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.Deadline;
import io.github.smartauthorizer.api.HealthLakeRequest;
import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.Rejection;
import io.github.smartauthorizer.api.TokenTimes;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.ValidationResult;
import io.github.smartauthorizer.api.VerifiedToken;
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
      return ValidationResult.accepted(verify(bearerToken, request));
    } catch (TokenRejectedException e) {
      return ValidationResult.rejected(e.rejection());
    }
  }

  private VerifiedToken verify(String token, HealthLakeRequest request) throws TokenRejectedException {
    CompactJws jws = CompactJws.parse(token, maxTokenBytes, this::checkHeader);
    Map<String, Object> header = jws.header();
    checkSignature(jws, request.deadline());
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
    checkSignature(CompactJws.parseJws(token, maxTokenBytes), Deadline.none());
  }

  private void checkSignature(CompactJws jws, Deadline deadline) throws TokenRejectedException {
    Map<String, Object> header = jws.header();
    JwsAlgorithm algorithm = checkHeader(header);
    VerificationKey key = keys.key(kid(header), algorithm, deadline);
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
