package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.json.StrictJson;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Typed reads of JSON members parsed by {@link StrictJson}. */
public final class Claims {
  /** NumericDate values beyond year 9999 are refused as nonsense. */
  private static final long MAX_NUMERIC_DATE = 253402300799L;

  private Claims() {}

  /** A string member, or empty when absent; {@code null} when present but not a string is signalled by the caller. */
  public static Optional<String> string(Map<String, Object> json, String name) {
    Object value = json.get(name);
    return value instanceof String s ? Optional.of(s) : Optional.empty();
  }

  /** A string member that is not empty (the form of a client id), or empty when absent, empty or not a string. */
  public static Optional<String> nonEmptyString(Map<String, Object> json, String name) {
    return string(json, name).filter(s -> !s.isEmpty());
  }

  /** Whether a member is present with any value (even {@code null}). */
  public static boolean present(Map<String, Object> json, String name) {
    return json.containsKey(name);
  }

  /**
   * A NumericDate (RFC 7519 §2) in whole seconds; fractions are truncated.
   *
   * @return empty when absent
   * @throws IllegalArgumentException when present but not a number in a sane range
   */
  public static Optional<Long> numericDate(Map<String, Object> json, String name) {
    if (!json.containsKey(name)) {
      return Optional.empty();
    }
    Object value = json.get(name);
    long seconds;
    if (value instanceof Long l) {
      seconds = l;
    } else if (value instanceof BigDecimal d) {
      if (d.abs().compareTo(BigDecimal.valueOf(MAX_NUMERIC_DATE)) > 0) {
        throw new IllegalArgumentException(name + " out of range");
      }
      seconds = d.longValue();
    } else {
      throw new IllegalArgumentException(name + " is not a number");
    }
    if (seconds < 0 || seconds > MAX_NUMERIC_DATE) {
      throw new IllegalArgumentException(name + " out of range");
    }
    return Optional.of(seconds);
  }

  /**
   * A member that may be one string or an array of strings ({@code aud}, RFC 7519 §4.1.3).
   *
   * @throws IllegalArgumentException when it is anything else
   */
  public static List<String> stringOrArray(Map<String, Object> json, String name) {
    Object value = json.get(name);
    if (value == null) {
      return List.of();
    }
    if (value instanceof String s) {
      return List.of(s);
    }
    if (value instanceof Collection<?> items) {
      List<String> out = new ArrayList<>(items.size());
      for (Object item : items) {
        if (!(item instanceof String s)) {
          throw new IllegalArgumentException(name + " holds a non-string");
        }
        out.add(s);
      }
      return List.copyOf(out);
    }
    throw new IllegalArgumentException(name + " is neither a string nor an array of strings");
  }

  /** The strings of an array member; non-string items and non-array values give an empty list. */
  public static List<String> stringsOf(Object value) {
    if (!(value instanceof Collection<?> items)) {
      return List.of();
    }
    List<String> out = new ArrayList<>(items.size());
    for (Object item : items) {
      if (item instanceof String s) {
        out.add(s);
      }
    }
    return List.copyOf(out);
  }
}
