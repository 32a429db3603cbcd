package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.VerifiedToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers active introspection results so that a repeated token costs no network call. Keyed by the SHA-256 of the
 * token, never the token; only active results are kept; each entry expires at the earlier of the token's {@code exp}
 * and the configured lifetime; at most {@code maxEntries} entries (least recently used evicted). Thread-safe.
 *
 * <p>The lifetime is also the revocation delay it buys: a token revoked at the IdP keeps passing here until its entry
 * expires.
 */
public final class IntrospectionCache {
  private final Duration lifetime;
  private final int maxEntries;
  private final Clock clock;
  private final Map<String, Entry> entries;

  private record Entry(VerifiedToken token, long expiresAtEpochSecond) {}

  public IntrospectionCache(Duration lifetime, int maxEntries, Clock clock) {
    this.lifetime = lifetime;
    this.maxEntries = maxEntries;
    this.clock = clock;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > IntrospectionCache.this.maxEntries;
      }
    };
  }

  /** Whether caching is on (a lifetime of zero turns it off). */
  public boolean enabled() {
    return !lifetime.isZero() && maxEntries > 0;
  }

  /** A cached, unexpired result for this token. */
  public VerifiedToken get(String token) {
    if (!enabled()) {
      return null;
    }
    String key = key(token);
    long now = clock.instant().getEpochSecond();
    synchronized (entries) {
      Entry entry = entries.get(key);
      if (entry == null) {
        return null;
      }
      if (now >= entry.expiresAtEpochSecond) {
        entries.remove(key);
        return null;
      }
      return entry.token;
    }
  }

  /** Remembers an active result until the earlier of its {@code exp} and the lifetime. */
  public void put(String token, VerifiedToken verified) {
    if (!enabled()) {
      return;
    }
    long until = clock.instant().plus(lifetime).getEpochSecond();
    Long exp = verified.times().expiresAt();
    if (exp != null) {
      until = Math.min(until, exp);
    }
    synchronized (entries) {
      entries.put(key(token), new Entry(verified, until));
    }
  }

  /** The number of entries (for metrics and tests). */
  public int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  private static String key(String token) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
