package io.github.smartauthorizer.api;

import java.time.Duration;
import java.util.Objects;

/**
 * The moment by which one request must be decided: set once, when HealthLake's event arrives, from the request budget
 * ({@code AUTHORIZER_REQUEST_BUDGET_MS}), and shared by every remote call and every lock wait the request makes. A call
 * waits at most {@link #cap(Duration) the smaller} of its own timeout and what is left; once the deadline has passed,
 * no further call is started and the request is denied {@link ReasonCode#IDP_UNAVAILABLE}.
 *
 * <p>Immutable and thread-safe. Measured on {@link System#nanoTime()}, so it is immune to wall-clock changes (and to
 * the fixed clocks tests use for token times).
 */
public final class Deadline {
  private static final Deadline NONE = new Deadline(0, false);
  /** The "remaining" of an unbounded deadline: longer than any timeout, far from overflow. */
  private static final Duration FOREVER = Duration.ofDays(365);

  private final long atNanos;
  private final boolean bounded;

  private Deadline(long atNanos, boolean bounded) {
    this.atNanos = atNanos;
    this.bounded = bounded;
  }

  /**
   * A deadline {@code budget} from now.
   *
   * @param budget how long the request may take; must not be negative
   */
  public static Deadline after(Duration budget) {
    Objects.requireNonNull(budget, "budget");
    if (budget.isNegative()) {
      throw new IllegalArgumentException("budget is negative");
    }
    return new Deadline(System.nanoTime() + budget.toNanos(), true);
  }

  /**
   * No deadline: every call is bounded by its own timeout only. For tools and tests that decide outside a request;
   * the decision pipeline always sets one.
   */
  public static Deadline none() {
    return NONE;
  }

  /** Whether this deadline bounds anything ({@code false} only for {@link #none()}). */
  public boolean isBounded() {
    return bounded;
  }

  /** What is left, never negative; {@link Duration#ZERO} once passed. Unbounded: a very long time. */
  public Duration remaining() {
    if (!bounded) {
      return FOREVER;
    }
    long left = atNanos - System.nanoTime();
    return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
  }

  /** Whether the deadline has passed. */
  public boolean isExpired() {
    return bounded && atNanos - System.nanoTime() <= 0;
  }

  /**
   * The time one call may take: the smaller of its own {@code timeout} and what is left of this deadline.
   *
   * @return never negative; {@link Duration#ZERO} when the deadline has passed
   */
  public Duration cap(Duration timeout) {
    Duration left = remaining();
    return timeout.compareTo(left) <= 0 ? timeout : left;
  }

  /** The earlier of this deadline and {@code other}. */
  public Deadline earlier(Deadline other) {
    Objects.requireNonNull(other, "other");
    if (!other.bounded) {
      return this;
    }
    if (!bounded) {
      return other;
    }
    return other.atNanos - atNanos < 0 ? other : this;
  }

  @Override
  public String toString() {
    return bounded ? "Deadline[" + remaining().toMillis() + " ms left]" : "Deadline[none]";
  }
}
