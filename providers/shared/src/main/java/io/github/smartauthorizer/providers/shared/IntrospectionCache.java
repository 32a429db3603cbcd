package io.github.smartauthorizer.providers.shared;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers what the IdP said about a token (its active introspection answer), so that a repeated token costs no
 * network call. It remembers a fact, never a decision: the {@link IntrospectionValidator} runs every claim rule on the
 * remembered answer again for each request, the audience against that request's data store, the times against the
 * clock. Keyed by the SHA-256 of the token, never the token; only active answers are kept; each entry expires at the
 * earlier of the answer's {@code exp} and the configured lifetime; at most {@code maxEntries} entries (least recently
 * used evicted). Thread-safe.
 *
 * <p>The lifetime is also the revocation delay it buys: a token revoked at the IdP keeps passing here until its entry
 * expires.
 */
public final class IntrospectionCache {
  private final Duration lifetime;
  private final int maxEntries;
  private final Clock clock;
  private final Map<String, Entry> entries;

  private record Entry(Map<String, Object> answer, long expiresAtEpochSecond) {}

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

  /** The longest an answer is remembered (zero when caching is off). */
  Duration lifetime() {
    return lifetime;
  }

  /** The remembered, unexpired active answer for this token (unmodifiable), or {@code null}. */
  public Map<String, Object> get(String token) {
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
      return entry.answer;
    }
  }

  /**
   * Remembers an active answer until the earlier of its {@code exp} and the lifetime.
   *
   * @param answer the members of the active answer, as the IdP sent them
   * @param expiresAt the answer's {@code exp} in epoch seconds, or {@code null} when it has none
   */
  public void put(String token, Map<String, Object> answer, Long expiresAt) {
    if (!enabled()) {
      return;
    }
    long until = clock.instant().plus(lifetime).getEpochSecond();
    if (expiresAt != null) {
      until = Math.min(until, expiresAt);
    }
    Map<String, Object> kept = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(answer));
    synchronized (entries) {
      entries.put(key(token), new Entry(kept, until));
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
