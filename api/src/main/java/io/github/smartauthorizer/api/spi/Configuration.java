package io.github.smartauthorizer.api.spi;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, validating getters over the {@code AUTHORIZER_*} environment variables. Immutable and thread-safe.
 *
 * <p>Keys are given without the prefix: {@code required("ISSUER", ...)} reads {@code AUTHORIZER_ISSUER}. A blank
 * value counts as absent. Every failure is a {@link ConfigurationException} that names the variable and what it
 * expects; a value is quoted in the message only for settings that can never be secret (numbers, URLs, choices).
 */
public final class Configuration {
  /** The prefix of every variable the authorizer reads. */
  public static final String PREFIX = "AUTHORIZER_";

  private final Map<String, String> environment;
  private final String prefix;

  private Configuration(Map<String, String> environment, String prefix) {
    this.environment = Map.copyOf(environment);
    this.prefix = prefix;
  }

  /** Configuration over the process environment. */
  public static Configuration fromEnvironment() {
    return of(System.getenv());
  }

  /** Configuration over a map of variables (tests, the command-line tool, the local demo). */
  public static Configuration of(Map<String, String> variables) {
    Objects.requireNonNull(variables, "variables");
    return new Configuration(variables, PREFIX);
  }

  /**
   * The configuration of one named instance, reading {@code AUTHORIZER_<INSTANCE>_<KEY>}; used when one Lambda serves
   * several providers.
   */
  public Configuration scoped(String instance) {
    return new Configuration(environment, prefix + instance.toUpperCase(Locale.ROOT) + "_");
  }

  /** The full variable name of a key, e.g. {@code AUTHORIZER_ISSUER} for {@code ISSUER}. */
  public String variable(String key) {
    return prefix + key;
  }

  /** The raw value, or empty when unset or blank. */
  public Optional<String> optional(String key) {
    String value = environment.get(variable(key));
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  /**
   * A required value.
   *
   * @param expectation what the variable should hold, for the error message
   */
  public String required(String key, String expectation) {
    return optional(key).orElseThrow(() -> new ConfigurationException(variable(key), "is required: " + expectation));
  }

  /** A comma-separated list, trimmed, empty entries dropped; empty when unset. */
  public List<String> list(String key) {
    return optional(key).map(Configuration::splitList).orElse(List.of());
  }

  /** An absolute {@code http} or {@code https} URL, when set. */
  public Optional<URI> url(String key) {
    return optional(key).map(v -> parseUrl(key, v));
  }

  /** A required absolute {@code http} or {@code https} URL. */
  public URI requiredUrl(String key, String expectation) {
    return parseUrl(key, required(key, expectation));
  }

  /** A whole number in {@code [min, max]}, or the default when unset. */
  public long number(String key, long defaultValue, long min, long max) {
    Optional<String> value = optional(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    String expectation = "expects a whole number from " + min + " to " + max;
    try {
      long parsed = Long.parseLong(value.get());
      if (parsed < min || parsed > max) {
        throw new ConfigurationException(variable(key), expectation + ", got " + quote(value.get()));
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new ConfigurationException(variable(key), expectation + ", got " + quote(value.get()));
    }
  }

  /** A number of seconds in {@code [min, max]}, or the default when unset. */
  public Duration seconds(String key, Duration defaultValue, long min, long max) {
    return Duration.ofSeconds(number(key, defaultValue.toSeconds(), min, max));
  }

  /** A number of milliseconds in {@code [min, max]}, or the default when unset. */
  public Duration millis(String key, Duration defaultValue, long min, long max) {
    return Duration.ofMillis(number(key, defaultValue.toMillis(), min, max));
  }

  /** {@code true} or {@code false} (case-insensitive), or the default when unset. */
  public boolean flag(String key, boolean defaultValue) {
    Optional<String> value = optional(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    String v = value.get().toLowerCase(Locale.ROOT);
    if (v.equals("true") || v.equals("false")) {
      return Boolean.parseBoolean(v);
    }
    throw new ConfigurationException(variable(key), "expects true or false, got " + quote(value.get()));
  }

  /** One of a fixed set of words (compared case-insensitively, returned in lower case), or the default. */
  public String choice(String key, String defaultValue, Set<String> allowed) {
    Optional<String> value = optional(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    String v = value.get().toLowerCase(Locale.ROOT);
    if (!allowed.contains(v)) {
      throw new ConfigurationException(
          variable(key), "expects one of " + String.join(", ", new TreeSet<>(allowed)) + ", got " + quote(value.get()));
    }
    return v;
  }

  /** The names of all variables under this configuration's prefix that are set (for diagnostics, not values). */
  public Set<String> variableNames() {
    Set<String> names = new TreeSet<>();
    for (String name : environment.keySet()) {
      if (name.startsWith(prefix)) {
        names.add(name);
      }
    }
    return names;
  }

  private URI parseUrl(String key, String value) {
    String expectation = "expects an absolute http or https URL";
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
        throw new ConfigurationException(variable(key), expectation + ", got " + quote(value));
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new ConfigurationException(variable(key), expectation + ", got " + quote(value));
    }
  }

  private static List<String> splitList(String value) {
    List<String> items = new ArrayList<>();
    Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(items::add);
    return List.copyOf(items);
  }

  private static String quote(String value) {
    String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
    return "'" + shown + "'";
  }
}
