package io.github.smartauthorizer.providers.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The introspection result cache, driven by a {@link TestClock}. */
class IntrospectionCacheTest {
  private static final Duration LIFETIME = Duration.ofSeconds(30);

  private final TestClock clock = new TestClock();

  private IntrospectionCache cache(Duration lifetime, int maxEntries) {
    return new IntrospectionCache(lifetime, maxEntries, clock);
  }

  /** An active answer for a token whose subject is {@code subject}, expiring {@code expiresIn} from now. */
  private Map<String, Object> result(String subject, Duration expiresIn) {
    long now = clock.epochSecond();
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("active", true);
    answer.put("sub", subject);
    answer.put("scope", "patient/*.read");
    answer.put("iat", now);
    if (expiresIn != null) {
      answer.put("exp", now + expiresIn.toSeconds());
    }
    return answer;
  }

  private Map<String, Object> result(String subject) {
    return result(subject, Duration.ofHours(1));
  }

  /** Remembers an answer as the validator does: until its {@code exp}. */
  private static void put(IntrospectionCache cache, String token, Map<String, Object> answer) {
    cache.put(token, answer, (Long) answer.get("exp"));
  }

  @Test
  void repeatedTokenIsAHitReturningTheStoredAnswer() {
    IntrospectionCache cache = cache(LIFETIME, 10);
    Map<String, Object> stored = result("user-1");

    put(cache, "token-1", stored);

    assertEquals(stored, cache.get("token-1"));
    assertEquals(stored, cache.get("token-1"));
    assertEquals(1, cache.size());
  }

  @Test
  void unknownTokenIsAMiss() {
    IntrospectionCache cache = cache(LIFETIME, 10);
    put(cache, "token-1", result("user-1"));

    assertNull(cache.get("token-2"));
    assertNull(cache.get("token-1 "), "a different string is a different key");
  }

  @Test
  void entryExpiresAfterTheLifetimeWhenTheTokenLivesLonger() {
    IntrospectionCache cache = cache(LIFETIME, 10);
    put(cache, "token-1", result("user-1", Duration.ofHours(1)));

    clock.advance(LIFETIME.minusSeconds(1));
    assertNotNull(cache.get("token-1"), "still cached one second before the lifetime ends");

    clock.advance(Duration.ofSeconds(1));
    assertNull(cache.get("token-1"), "gone when the lifetime ends");
    assertEquals(0, cache.size(), "an expired entry is dropped when found");
  }

  @Test
  void entryExpiresAtTheTokensExpWhenThatComesFirst() {
    IntrospectionCache cache = cache(LIFETIME, 10);
    put(cache, "token-1", result("user-1", Duration.ofSeconds(10)));

    clock.advance(Duration.ofSeconds(9));
    assertNotNull(cache.get("token-1"));

    clock.advance(Duration.ofSeconds(1));
    assertNull(cache.get("token-1"), "never served past the token's exp, though the lifetime is longer");
  }

  @Test
  void entryOfATokenWithoutExpLivesForTheLifetime() {
    IntrospectionCache cache = cache(LIFETIME, 10);
    put(cache, "token-1", result("user-1", null));

    clock.advance(LIFETIME.minusSeconds(1));
    assertNotNull(cache.get("token-1"));
    clock.advance(Duration.ofSeconds(1));
    assertNull(cache.get("token-1"));
  }

  @Test
  void resultOfAnAlreadyExpiredTokenIsNeverServed() {
    IntrospectionCache cache = cache(LIFETIME, 10);
    put(cache, "token-1", result("user-1", Duration.ofSeconds(-5)));

    assertNull(cache.get("token-1"));
  }

  @Test
  void putReplacesTheEntryAndRestartsItsLifetime() {
    IntrospectionCache cache = cache(LIFETIME, 10);
    put(cache, "token-1", result("user-1"));
    clock.advance(Duration.ofSeconds(20));
    Map<String, Object> newer = result("user-1");

    put(cache, "token-1", newer);
    clock.advance(Duration.ofSeconds(20));

    assertEquals(newer, cache.get("token-1"));
    assertEquals(1, cache.size());
  }

  @Test
  void fullCacheEvictsTheLeastRecentlyUsedEntry() {
    IntrospectionCache cache = cache(LIFETIME, 3);
    put(cache, "token-a", result("a"));
    put(cache, "token-b", result("b"));
    put(cache, "token-c", result("c"));
    assertNotNull(cache.get("token-a"), "touching a makes b the least recently used");

    put(cache, "token-d", result("d"));

    assertEquals(3, cache.size());
    assertNull(cache.get("token-b"));
    assertEquals("a", cache.get("token-a").get("sub"));
    assertEquals("c", cache.get("token-c").get("sub"));
    assertEquals("d", cache.get("token-d").get("sub"));
  }

  @Test
  void zeroLifetimeDisablesTheCache() {
    IntrospectionCache cache = cache(Duration.ZERO, 10);

    put(cache, "token-1", result("user-1"));

    assertFalse(cache.enabled());
    assertNull(cache.get("token-1"));
    assertEquals(0, cache.size());
  }

  @Test
  void positiveLifetimeEnablesTheCache() {
    assertTrue(cache(LIFETIME, 1).enabled());
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void concurrentPutsAndGetsStayWithinTheBoundAndNeverMixUpTokens() throws Exception {
    int maxEntries = 64;
    int threads = 8;
    int distinctTokens = 500;
    int operationsPerThread = 20_000;
    IntrospectionCache cache = cache(LIFETIME, maxEntries);
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger hits = new AtomicInteger();
    try {
      Future<Integer> watcher = pool.submit(() -> {
        int largest = 0;
        start.await();
        while (!done.get()) {
          largest = Math.max(largest, cache.size());
        }
        return largest;
      });
      List<Future<Void>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(pool.submit((Callable<Void>) () -> {
          start.await();
          ThreadLocalRandom random = ThreadLocalRandom.current();
          for (int i = 0; i < operationsPerThread; i++) {
            String subject = "user-" + random.nextInt(distinctTokens);
            String token = "token-for-" + subject;
            if (random.nextBoolean()) {
              put(cache, token, result(subject));
            } else {
              Map<String, Object> hit = cache.get(token);
              if (hit != null) {
                hits.incrementAndGet();
                assertEquals(subject, hit.get("sub"), "a hit returned another token's result");
              }
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<Void> worker : workers) {
        worker.get();
      }
      done.set(true);
      int largest = watcher.get();

      assertTrue(largest <= maxEntries, "the cache grew to " + largest + " entries, over its bound " + maxEntries);
      assertTrue(cache.size() <= maxEntries, "ended with " + cache.size() + " entries");
      assertTrue(cache.size() > 0);
      assertTrue(hits.get() > 0, "the workload should produce hits");
    } finally {
      done.set(true);
      pool.shutdownNow();
    }
  }
}
