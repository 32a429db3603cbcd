package io.github.smartauthorizer.providers.shared;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/** A {@link Clock} that tests move by hand; thread-safe. Shared with other modules through the test-jar. */
public final class TestClock extends Clock {
  /** A round instant to start from: 2030-01-01T00:00:00Z. */
  public static final Instant DEFAULT_START = Instant.parse("2030-01-01T00:00:00Z");

  private volatile Instant now;

  public TestClock() {
    this(DEFAULT_START);
  }

  public TestClock(Instant start) {
    this.now = Objects.requireNonNull(start, "start");
  }

  /** Moves the clock forward (or backward, with a negative duration). */
  public synchronized TestClock advance(Duration by) {
    now = now.plus(by);
    return this;
  }

  /** Sets the clock. */
  public synchronized TestClock set(Instant instant) {
    now = Objects.requireNonNull(instant, "instant");
    return this;
  }

  /** The current time in whole epoch seconds. */
  public long epochSecond() {
    return now.getEpochSecond();
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
