package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.Deadline;
import io.github.smartauthorizer.api.ReasonCode;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The verification keys of one issuer, fetched from its JWKS and kept in memory. Thread-safe.
 *
 * <ul>
 *   <li><b>TTL.</b> Keys are trusted for {@code ttl} after a successful fetch; then they are fetched again, so a key the
 *       IdP removed stops being trusted. From three quarters of the TTL on, a request triggers a background refresh and
 *       carries on with the keys it has, so steady traffic never waits for a fetch.
 *   <li><b>Unknown {@code kid}.</b> The first one refetches at once, however recent the last fetch (a key rotated
 *       right after a cold start is found); only a refetch that still lacks the kid starts a quiet interval of
 *       {@code refetchInterval} without refetches, so a flood of random kids causes at most one fetch per interval.
 *   <li><b>Outage.</b> When a fetch fails, the last keys keep working for at most {@code maxStale} past their TTL;
 *       failed fetches are retried at most once a second.
 *   <li><b>Single flight.</b> Concurrent callers that need a fetch share one; each fetch is bounded by the
 *       {@link HttpFetcher}'s timeout and size cap.
 *   <li><b>Deadline.</b> A request's lock wait, discovery call and JWKS call all end by the request's
 *       {@link Deadline}; when it has passed and no usable key is at hand, the answer is {@code IDP_UNAVAILABLE}.
 *   <li><b>Keys supplied up front</b> ({@link Builder#suppliedKeys}): held from the start as if fetched when the
 *       cache was built, so no fetch is needed at init or for the first request. Every rule above applies to them
 *       unchanged, with the JWKS location as the source of refreshes: the first refresh runs in the background from
 *       three quarters of the TTL, an unknown {@code kid} refetches at once, and max-stale counts from when they were
 *       supplied. {@link #prefetch()} fetches nothing while they are held untouched.
 * </ul>
 */
public final class JwksCache {
  private static final Duration FAILURE_BACKOFF = Duration.ofSeconds(1);

  private final HttpFetcher fetcher;
  private final HttpFetcher initFetcher;
  private final JwksLocation location;
  private final JwkSetParser parser;
  private final Clock clock;
  private final Duration ttl;
  private final Duration softTtl;
  private final Duration refetchInterval;
  private final Duration maxStale;
  private final Duration lockWait;
  private final Executor refreshExecutor;
  private final System.Logger log;
  private final ReentrantLock fetchLock = new ReentrantLock();
  private final AtomicBoolean backgroundRefreshRunning = new AtomicBoolean();
  private final AtomicLong fetches = new AtomicLong();

  private volatile State state;
  /** Until when unknown kids cause no refetch: set by a refetch that did not find the kid; {@code null} at first. */
  private volatile Instant quietUntil;

  /**
   * What is known: the keys (or {@code null}), when they were fetched (or supplied), when a fetch was last attempted
   * ({@code null} before the first), and whether the keys are the ones supplied up front.
   */
  private record State(JwkSet keys, Instant fetchedAt, Instant lastAttemptAt, boolean supplied) {}

  private JwksCache(Builder b) {
    this.fetcher = Objects.requireNonNull(b.fetcher, "fetcher");
    this.initFetcher = b.initTimeout == null ? fetcher : fetcher.withTimeout(b.initTimeout);
    this.location = Objects.requireNonNull(b.location, "location");
    this.parser = new JwkSetParser(b.algorithms);
    this.clock = b.clock;
    this.ttl = b.ttl;
    this.softTtl = b.ttl.multipliedBy(3).dividedBy(4);
    this.refetchInterval = b.refetchInterval;
    this.maxStale = b.maxStale;
    this.lockWait = b.lockWait;
    this.refreshExecutor = b.refreshExecutor;
    // The platform logger only when none was given: it starts java.util.logging, which a cold start need not load.
    this.log = b.log != null ? b.log : System.getLogger(JwksCache.class.getName());
    this.state = b.suppliedKeys == null ? new State(null, null, null, false)
        : new State(b.suppliedKeys, clock.instant(), null, true);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Fetches the keys now (at init or a SnapStart checkpoint), with the init timeout; a failure is logged, not thrown.
   *
   * <p>While the keys supplied up front are held untouched (no fetch has been attempted since they were supplied),
   * fetches nothing and trusts them as of now instead: this is an init, or a SnapStart checkpoint or restore, whose
   * snapshot was taken before any request and holds the same supplied keys a cold start would read. Their TTL, its
   * background refresh and max-stale then count from now.
   *
   * @return whether keys are now cached
   */
  public boolean prefetch() {
    return prefetch(initFetcher);
  }

  /**
   * Fetches the keys now with this timeout (a SnapStart checkpoint or restore, whose timeout the host gives); a
   * failure is logged, not thrown. Keys supplied up front are trusted as of now instead, as in {@link #prefetch()}.
   *
   * @param timeout the longest the fetch (the discovery call and the JWKS call) may take
   * @return whether keys are now cached
   */
  public boolean prefetch(Duration timeout) {
    return prefetch(fetcher.withTimeout(timeout));
  }

  private boolean prefetch(HttpFetcher using) {
    if (!trustSuppliedKeysAsOfNow()) {
      fetchIfStillNeeded(clock.instant(), true, using, Deadline.none());
    }
    return state.keys != null;
  }

  /**
   * Trusts the keys supplied up front as of now, when they are held and no fetch has been attempted since.
   *
   * @return whether they were (and nothing needs fetching)
   */
  private boolean trustSuppliedKeysAsOfNow() {
    if (!state.supplied || !lock(Deadline.none())) {
      return false;
    }
    try {
      State current = state;
      if (!current.supplied || current.lastAttemptAt != null) {
        return false;
      }
      state = new State(current.keys, clock.instant(), null, true);
      return true;
    } finally {
      fetchLock.unlock();
    }
  }

  /** How many fetches this cache has attempted (for metrics and tests). */
  public long fetchCount() {
    return fetches.get();
  }

  /** Where the keys come from, for diagnostics: the JWKS URI, or "discovery of" the issuer. */
  JwksLocation location() {
    return location;
  }

  /** How many keys are cached now. */
  public int size() {
    JwkSet keys = state.keys;
    return keys == null ? 0 : keys.size();
  }

  /** Whether the keys held are those supplied up front (no fetch has replaced them yet), for diagnostics. */
  boolean holdsSuppliedKeys() {
    return state.supplied;
  }

  /** The key for a token, with no request deadline (tools and tests); see {@link #key(String, JwsAlgorithm, Deadline)}. */
  public VerificationKey key(String kid, JwsAlgorithm algorithm) throws TokenRejectedException {
    return key(kid, algorithm, Deadline.none());
  }

  /**
   * The key for a token. Every fetch and lock wait this causes ends by the request's {@code deadline}.
   *
   * @param kid the token's {@code kid}, or {@code null} when it has none
   * @param algorithm the token's (allowed) algorithm
   * @param deadline the request's deadline
   * @throws TokenRejectedException {@code UNKNOWN_KID}, {@code ALG_NOT_ALLOWED} or {@code IDP_UNAVAILABLE} (also when
   *     the deadline passed before the keys could be had)
   */
  public VerificationKey key(String kid, JwsAlgorithm algorithm, Deadline deadline) throws TokenRejectedException {
    Instant now = clock.instant();
    State current = state;
    if (current.keys == null || !now.isBefore(current.fetchedAt.plus(ttl))) {
      current = refreshExpired(now, current, deadline);
    } else if (!now.isBefore(current.fetchedAt.plus(softTtl))) {
      refreshInBackground();
    }
    Optional<VerificationKey> key = find(current.keys, kid, algorithm);
    if (key.isEmpty()) {
      key = refetchForUnknownKid(now, kid, algorithm, deadline);
    }
    VerificationKey found = key.orElseThrow(
        () -> new TokenRejectedException(ReasonCode.UNKNOWN_KID, kid == null
            ? "no kid and no single key for the algorithm" : "no key with this kid"));
    if (found.algorithm() != algorithm) {
      throw new TokenRejectedException(ReasonCode.ALG_NOT_ALLOWED, "the key is bound to another algorithm");
    }
    return found;
  }

  /**
   * A refetch for a {@code kid} the cached keys lack (a rotated key), aws-jwt-verify's "penalty box": the first unknown
   * {@code kid} refetches at once, whenever the last fetch was; only a refetch that still did not find it starts the
   * quiet interval ({@code refetchInterval}), during which unknown kids cause no fetch. Decided under the fetch lock,
   * so that a flood of random kids causes at most one fetch per interval.
   *
   * @throws TokenRejectedException {@code IDP_UNAVAILABLE} when the refetch was due but the deadline left no time
   */
  private Optional<VerificationKey> refetchForUnknownKid(Instant requestedAt, String kid, JwsAlgorithm algorithm,
      Deadline deadline) throws TokenRejectedException {
    Instant quiet = quietUntil;
    if (quiet != null && requestedAt.isBefore(quiet)) {
      return Optional.empty();
    }
    if (!lock(deadline)) {
      throw deadlinePassed();
    }
    try {
      State current = state;
      Optional<VerificationKey> key = find(current.keys, kid, algorithm);
      if (key.isPresent()) {
        return key; // another caller's fetch brought it while this one waited
      }
      if (quietUntil != null && requestedAt.isBefore(quietUntil)) {
        return Optional.empty();
      }
      if (current.lastAttemptAt != null && !current.lastAttemptAt.isBefore(requestedAt)
          && current.fetchedAt != null && current.fetchedAt.equals(current.lastAttemptAt)) {
        // a fetch that started after this request and succeeded lacks the kid too
        quietUntil = current.lastAttemptAt.plus(refetchInterval);
        return Optional.empty();
      }
      State after = fetchLocked(fetcher, deadline);
      key = find(after.keys, kid, algorithm);
      if (key.isEmpty()) {
        if (deadline.isExpired()) {
          throw deadlinePassed();
        }
        quietUntil = after.lastAttemptAt.plus(refetchInterval);
      }
      return key;
    } finally {
      fetchLock.unlock();
    }
  }

  private static Optional<VerificationKey> find(JwkSet keys, String kid, JwsAlgorithm algorithm) {
    if (keys == null) {
      return Optional.empty();
    }
    return kid == null ? keys.soleKeyFor(algorithm) : keys.byKid(kid);
  }

  private State refreshExpired(Instant now, State current, Deadline deadline) throws TokenRejectedException {
    boolean mayTry = current.lastAttemptAt == null || !now.isBefore(current.lastAttemptAt.plus(FAILURE_BACKOFF));
    State after = mayTry ? fetchIfStillNeeded(now, false, fetcher, deadline) : null;
    if (after != null && after.keys != null && now.isBefore(after.fetchedAt.plus(ttl))) {
      return after;
    }
    State known = state;
    if (known.keys != null && now.isBefore(known.fetchedAt.plus(ttl).plus(maxStale))) {
      return known;
    }
    if (deadline.isExpired()) {
      throw deadlinePassed();
    }
    throw new TokenRejectedException(ReasonCode.IDP_UNAVAILABLE, "JWKS unavailable and no usable cached keys");
  }

  private static TokenRejectedException deadlinePassed() {
    return new TokenRejectedException(ReasonCode.IDP_UNAVAILABLE, "the request deadline passed before the JWKS could"
        + " be fetched");
  }

  private void refreshInBackground() {
    if (refreshExecutor == null || !backgroundRefreshRunning.compareAndSet(false, true)) {
      return;
    }
    try {
      refreshExecutor.execute(() -> {
        try {
          fetchIfStillNeeded(clock.instant(), false, fetcher, Deadline.none());
        } finally {
          backgroundRefreshRunning.set(false);
        }
      });
    } catch (RuntimeException e) {
      backgroundRefreshRunning.set(false);
    }
  }

  /** Takes the fetch lock, waiting at most the lock wait and never past the deadline. */
  private boolean lock(Deadline deadline) {
    try {
      return fetchLock.tryLock(deadline.cap(lockWait).toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Fetches unless another caller fetched since {@code requestedAt} while this one waited for the lock.
   *
   * @return the state after the fetch (or the one another caller produced), or {@code null} when the lock could not be
   *     had in time
   */
  private State fetchIfStillNeeded(Instant requestedAt, boolean force, HttpFetcher using, Deadline deadline) {
    if (!lock(deadline)) {
      return null;
    }
    try {
      State current = state;
      if (!force && current.lastAttemptAt != null && !current.lastAttemptAt.isBefore(requestedAt)) {
        return current;
      }
      return fetchLocked(using, deadline);
    } finally {
      fetchLock.unlock();
    }
  }

  /** One fetch, with the lock held: the new state (the old keys kept when the fetch failed). */
  private State fetchLocked(HttpFetcher using, Deadline deadline) {
    State current = state;
    Instant attemptAt = clock.instant();
    fetches.incrementAndGet();
    try {
      JwkSet keys = load(using, deadline);
      State next = new State(keys, attemptAt, attemptAt, false);
      state = next;
      return next;
    } catch (IOException | JwkSetParser.InvalidJwksException | RuntimeException e) {
      log.log(Level.WARNING, "JWKS fetch from {0} failed: {1}", location, e.getClass().getSimpleName() + ": "
          + e.getMessage());
      State next = new State(current.keys, current.fetchedAt, attemptAt, current.supplied);
      state = next;
      return next;
    }
  }

  private JwkSet load(HttpFetcher using, Deadline deadline) throws IOException, JwkSetParser.InvalidJwksException {
    HttpFetcher.HttpResponse response =
        using.get(location.resolve(using, deadline), "application/jwk-set+json, application/json", deadline);
    if (!response.isSuccessful()) {
      throw new IOException("JWKS endpoint answered HTTP " + response.status());
    }
    JwkSetParser.Result result = parser.parse(response.body());
    for (String skipped : result.skipped()) {
      log.log(Level.INFO, "JWKS key not used: {0}", skipped);
    }
    return result.keys();
  }

  /** Builds a {@link JwksCache}; not thread-safe. */
  public static final class Builder {
    private HttpFetcher fetcher;
    private Duration initTimeout;
    private JwksLocation location;
    private java.util.Set<JwsAlgorithm> algorithms = java.util.EnumSet.of(JwsAlgorithm.RS256);
    private Clock clock = Clock.systemUTC();
    private Duration ttl = Duration.ofMinutes(15);
    private Duration refetchInterval = Duration.ofSeconds(30);
    private Duration maxStale = Duration.ofHours(6);
    private Duration lockWait = Duration.ofMillis(500);
    private Executor refreshExecutor = BACKGROUND;
    private JwkSet suppliedKeys;
    private System.Logger log;

    private Builder() {}

    public Builder fetcher(HttpFetcher value) {
      this.fetcher = value;
      return this;
    }

    /** The timeout of {@link #prefetch()}; default: the fetcher's own. */
    public Builder initTimeout(Duration value) {
      this.initTimeout = value;
      return this;
    }

    public Builder location(JwksLocation value) {
      this.location = value;
      return this;
    }

    public Builder algorithms(java.util.Set<JwsAlgorithm> value) {
      this.algorithms = value;
      return this;
    }

    public Builder clock(Clock value) {
      this.clock = value;
      return this;
    }

    public Builder ttl(Duration value) {
      this.ttl = value;
      return this;
    }

    public Builder refetchInterval(Duration value) {
      this.refetchInterval = value;
      return this;
    }

    public Builder maxStale(Duration value) {
      this.maxStale = value;
      return this;
    }

    /** How long a caller waits for a fetch another caller is doing (at most the fetch timeout). */
    public Builder lockWait(Duration value) {
      this.lockWait = value;
      return this;
    }

    /** Where background refreshes run; {@code null} disables them (every refresh then happens at the TTL). */
    public Builder refreshExecutor(Executor value) {
      this.refreshExecutor = value;
      return this;
    }

    /**
     * Keys supplied up front (parsed under the key policy of {@link JwkSetParser} by the caller, e.g. from
     * {@code AUTHORIZER_JWKS_FILE}): held from the start as if fetched when the cache is built, so the first request
     * needs no fetch; the {@linkplain #location location} stays the source of every refresh. Default: none.
     */
    public Builder suppliedKeys(JwkSet value) {
      this.suppliedKeys = value;
      return this;
    }

    public Builder log(System.Logger value) {
      this.log = value;
      return this;
    }

    public JwksCache build() {
      return new JwksCache(this);
    }
  }

  private static final Executor BACKGROUND = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "jwks-refresh");
    t.setDaemon(true);
    return t;
  });
}
