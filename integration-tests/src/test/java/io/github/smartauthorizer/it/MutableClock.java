package io.github.smartauthorizer.it;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The system clock plus an offset that a test moves forward, for {@code Authorizer.builder().clock(...)}: the key cache
 * (TTL, refetch interval), the introspection cache and the token time checks all read it. Real time keeps running, so
 * tokens Keycloak issues during the test are never "in the future"; a test jumps ahead by a TTL instead of waiting for
 * it, and must stay short of the tokens' {@code exp} (Keycloak's realm gives 300 s, plus 60 s of clock skew) unless
 * expiry is the point. Thread-safe; copies made with {@link #withZone} share the offset.
 */
final class MutableClock extends Clock {
  private final AtomicReference<Duration> offset;
  private final ZoneId zone;

  MutableClock() {
    this(new AtomicReference<>(Duration.ZERO), ZoneOffset.UTC);
  }

  private MutableClock(AtomicReference<Duration> offset, ZoneId zone) {
    this.offset = offset;
    this.zone = zone;
  }

  /** Moves the clock forward. */
  void advance(Duration amount) {
    if (amount.isNegative()) {
      throw new IllegalArgumentException("the clock only moves forward");
    }
    offset.updateAndGet(current -> current.plus(amount));
  }

  /** How far ahead of the system clock this clock is. */
  Duration offset() {
    return offset.get();
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(offset.get());
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId value) {
    return new MutableClock(offset, value);
  }
}
