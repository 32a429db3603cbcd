package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.HealthLakeRequest;
import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.Rejection;
import io.github.smartauthorizer.api.TokenTimes;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.ValidationResult;
import io.github.smartauthorizer.api.VerifiedToken;
import io.github.smartauthorizer.api.spi.ValidatorCounters;
import io.github.smartauthorizer.api.spi.ValidatorDiagnostics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Validates tokens (opaque or JWT) by asking the IdP (RFC 7662). Immutable and thread-safe once built.
 *
 * <p>The pipeline: the token's size and RFC 6750 {@code b64token} syntax; the answer, from the
 * {@link IntrospectionCache} (a hit does no network I/O) or else from the {@link IntrospectionClient} within the
 * request's deadline; then, <em>on every request, cache hit or not</em>, the same claim rules as for JWTs: {@code exp}
 * required and not passed, {@code nbf}/{@code iat} not in the future, {@code iss} equal to the configured issuer when
 * configured and present, {@code aud} containing a configured audience or else the request's data store endpoint (as
 * the {@code jwks} provider does); then the provider's own {@link ClaimCheck}s. The cache keeps the IdP's answer,
 * never a decision: an answer is remembered once it led to an accept, and decided afresh for each request.
 *
 * <p>An answer without {@code aud} is refused {@code INVALID_AUDIENCE}, unless the validator was built to
 * {@link Builder#acceptMissingAudience accept missing audiences} (some servers' opaque tokens carry none).
 *
 * <p><b>Lifecycle.</b> {@link #prime} and {@link #refreshAfterRestore} warm the client
 * ({@link IntrospectionClient#prime}: a fresh connection, the credentials tried with a token that cannot be active);
 * {@link #diagnostics} names the endpoint, the cache and what is wrong; {@link #counters} counts the introspection
 * calls and the cache hits.
 */
public final class IntrospectionValidator implements TokenValidator {
  private final IntrospectionClient client;
  private final IntrospectionCache cache;
  private final String issuer;
  private final List<String> audiences;
  private final boolean acceptMissingAudience;
  private final boolean skipAudience;
  private final Duration clockSkew;
  private final int maxTokenBytes;
  private final Clock clock;
  private final List<ClaimCheck> checks;
  private final TokenCustomizer customizer;
  private final AtomicLong cacheHits = new AtomicLong();

  private IntrospectionValidator(Builder b) {
    this.client = Objects.requireNonNull(b.client, "client");
    this.cache = Objects.requireNonNull(b.cache, "cache");
    this.issuer = b.issuer;
    this.audiences = List.copyOf(b.audiences);
    this.acceptMissingAudience = b.acceptMissingAudience;
    this.skipAudience = b.skipAudience;
    this.clockSkew = b.clockSkew;
    this.maxTokenBytes = b.maxTokenBytes;
    this.clock = b.clock;
    this.checks = List.copyOf(b.checks);
    this.customizer = b.customizer;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Warms the introspection client (see {@link IntrospectionClient#prime}): at init and before a SnapStart checkpoint.
   * Never throws; failures are logged.
   */
  @Override
  public void prime(Duration timeout) {
    client.prime(timeout);
  }

  /**
   * After a SnapStart restore: warms the client again, which opens a fresh connection (the pooled ones died with the
   * snapshot) and tries the credentials. Never throws; failures are logged.
   */
  @Override
  public void refreshAfterRestore(Duration timeout) {
    client.prime(timeout);
  }

  /**
   * The endpoint, the cache, and what is wrong: client credentials not readable yet, or, when the client was primed,
   * an endpoint that rejected the credentials or could not be reached.
   */
  @Override
  public ValidatorDiagnostics diagnostics() {
    long lifetime = cache.lifetime().toSeconds();
    String validation = "each token introspected (RFC 7662); "
        + (cache.enabled() ? "answers cached for up to " + lifetime + " s" : "answers not cached");
    List<String> states = new ArrayList<>();
    IntrospectionClient.PrimeOutcome primed = client.lastPrime();
    if (primed != null && primed.failure() == null) {
      states.add("the endpoint answered the warm-up call with HTTP " + primed.status());
    }
    if (cache.enabled()) {
      int size = cache.size();
      states.add(size + " answer" + (size == 1 ? "" : "s") + " cached");
    }
    List<String> problems = new ArrayList<>();
    if (!client.hasCredentials()) {
      problems.add("the client credentials could not be read yet (the log says why); every request is denied"
          + " IDP_UNAVAILABLE until a request reads them (retried lazily, at most every "
          + ClientCredentialsSource.RETRY_INTERVAL.toSeconds() + " s)");
    } else if (primed != null && primed.failure() != null) {
      problems.add("the introspection endpoint could not be reached (" + primed.failure() + "); requests are denied"
          + " IDP_UNAVAILABLE while it cannot be");
    } else if (primed != null && primed.status() == 401) {
      problems.add("the introspection endpoint rejected the client credentials (HTTP 401); every request is denied"
          + " IDP_UNAVAILABLE until they are fixed (they are read again after a 401)");
    }
    return new ValidatorDiagnostics(validation, List.of(client.endpoint().toString()), String.join("; ", states),
        problems);
  }

  /** The introspection calls (warm-up calls and 401 retries included) and the answers taken from the cache. */
  @Override
  public ValidatorCounters counters() {
    return new ValidatorCounters(0, client.callCount(), cacheHits.get());
  }

  /** The result cache, for metrics and tests. */
  public IntrospectionCache cache() {
    return cache;
  }

  @Override
  public ValidationResult validate(String bearerToken, HealthLakeRequest request) {
    try {
      checkSyntax(bearerToken);
      Map<String, Object> cached = cache.get(bearerToken);
      if (cached != null) {
        cacheHits.incrementAndGet();
        return ValidationResult.accepted(verify(cached, request));
      }
      Map<String, Object> answer = client.introspect(bearerToken, request.deadline());
      VerifiedToken verified = verify(answer, request);
      cache.put(bearerToken, answer, verified.times().expiresAt());
      return ValidationResult.accepted(verified);
    } catch (TokenRejectedException e) {
      return ValidationResult.rejected(e.rejection());
    }
  }

  /** The claim rules applied to an active introspection answer; package-private for the fuzz target. */
  VerifiedToken verify(Map<String, Object> claims, HealthLakeRequest request) throws TokenRejectedException {
    TokenTimes times = ClaimRules.times(claims);
    try {
      ClaimRules.checkTimes(times, clock, clockSkew);
      checkTokenType(claims);
      if (issuer != null && claims.containsKey("iss")) {
        ClaimRules.checkIssuer(claims, issuer);
      }
      checkAudience(claims, request);
      for (ClaimCheck check : checks) {
        check.check(Map.of(), claims, request);
      }
    } catch (TokenRejectedException e) {
      Rejection r = e.rejection();
      throw new TokenRejectedException(new Rejection(r.reason(), r.detail(), times));
    }
    VerifiedToken.Builder builder = ClaimNormalizer.standard(claims, times);
    if (!claims.containsKey("iss") && issuer != null) {
      builder.issuer(issuer);
    }
    customizer.customize(claims, builder);
    return builder.build();
  }

  private void checkAudience(Map<String, Object> claims, HealthLakeRequest request) throws TokenRejectedException {
    if (skipAudience || (acceptMissingAudience && !claims.containsKey("aud"))) {
      return;
    }
    ClaimRules.checkAudience(claims, audiences.isEmpty() ? List.of(request.datastoreEndpoint()) : audiences);
  }

  /**
   * Only access tokens pass: an answer whose {@code token_type} (RFC 7662 §2.2) or {@code token_use} names anything but
   * a bearer access token is refused. Keycloak, for one, answers {@code active: true} for a refresh token, with
   * {@code token_type: Refresh} and the full scope.
   */
  private static void checkTokenType(Map<String, Object> claims) throws TokenRejectedException {
    for (String member : new String[] {"token_type", "token_use"}) {
      if (!claims.containsKey(member)) {
        continue;
      }
      Object value = claims.get(member);
      String type = value instanceof String s ? s.toLowerCase(java.util.Locale.ROOT) : "";
      if (!type.equals("bearer") && !type.equals("access_token") && !type.equals("access")) {
        throw new TokenRejectedException(ReasonCode.INVALID_TOKEN_TYPE, member + " is not a bearer access token");
      }
    }
  }

  /** RFC 6750 §2.1 {@code b64token}: what a bearer token may contain; anything else is not sent to the IdP. */
  private void checkSyntax(String token) throws TokenRejectedException {
    if (token.length() > maxTokenBytes) {
      throw new TokenRejectedException(ReasonCode.TOKEN_TOO_LARGE, "token longer than " + maxTokenBytes + " bytes");
    }
    if (token.isEmpty()) {
      throw new TokenRejectedException(ReasonCode.MALFORMED_TOKEN, "empty token");
    }
    boolean padding = false;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c == '=') {
        padding = true;
        continue;
      }
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
      if (!ok || padding) {
        throw new TokenRejectedException(ReasonCode.MALFORMED_TOKEN, "token is not an RFC 6750 b64token");
      }
    }
  }

  /** Builds an {@link IntrospectionValidator}; not thread-safe. */
  public static final class Builder {
    private IntrospectionClient client;
    private IntrospectionCache cache;
    private String issuer;
    private final List<String> audiences = new ArrayList<>();
    private boolean acceptMissingAudience;
    private boolean skipAudience;
    private Duration clockSkew = Duration.ofSeconds(60);
    private int maxTokenBytes = 8192;
    private Clock clock = Clock.systemUTC();
    private final List<ClaimCheck> checks = new ArrayList<>();
    private TokenCustomizer customizer = TokenCustomizer.NONE;

    private Builder() {}

    public Builder client(IntrospectionClient value) {
      this.client = value;
      return this;
    }

    public Builder cache(IntrospectionCache value) {
      this.cache = value;
      return this;
    }

    /** The issuer the answer's {@code iss} must equal when present; {@code null} for no check. */
    public Builder issuer(String value) {
      this.issuer = value;
      return this;
    }

    /** Audiences one of which the answer's {@code aud} must contain; empty for the request's data store endpoint. */
    public Builder audiences(List<String> values) {
      this.audiences.clear();
      this.audiences.addAll(values);
      return this;
    }

    /**
     * Accepts an answer that has no {@code aud} at all (an answer with one is still checked). A weakening, for servers
     * whose opaque tokens carry no audience: {@code AUTHORIZER_INTROSPECTION_ALLOW_MISSING_AUDIENCE}.
     */
    public Builder acceptMissingAudience(boolean value) {
      this.acceptMissingAudience = value;
      return this;
    }

    /**
     * Skips the audience rule here, for a provider whose own {@link ClaimCheck} checks the audience (Keycloak checks it
     * after the token type, in both of its modes).
     */
    public Builder withoutAudienceCheck() {
      this.skipAudience = true;
      return this;
    }

    public Builder clockSkew(Duration value) {
      this.clockSkew = value;
      return this;
    }

    public Builder maxTokenBytes(int value) {
      this.maxTokenBytes = value;
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

    public IntrospectionValidator build() {
      return new IntrospectionValidator(this);
    }
  }
}
