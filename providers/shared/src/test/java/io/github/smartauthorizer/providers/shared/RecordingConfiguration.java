package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.spi.Configuration;
import java.lang.reflect.Field;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link Configuration} over a map of variables that records every {@code AUTHORIZER_} key looked up through it,
 * whether the variable is set or not, so that a test can compare what a provider reads with what it declares
 * ({@link io.github.smartauthorizer.api.spi.AuthorizerProvider#settingNames()}). Thread-safe. Shared with other modules
 * through the test-jar.
 *
 * <p>{@code Configuration} copies the map it is given and offers no hook, so the recording map is put in place of its
 * private {@code environment} field; should that field be renamed or change type, every test using this fails with a
 * message that says so. The configuration itself is the real one: only the lookups are seen.
 */
public final class RecordingConfiguration {
  private final Configuration configuration;
  private final Set<String> read = ConcurrentHashMap.newKeySet();

  private RecordingConfiguration(Map<String, String> variables) {
    configuration = Configuration.of(variables);
    try {
      Field environment = Configuration.class.getDeclaredField("environment");
      environment.setAccessible(true);
      environment.set(configuration, new Recording(Map.copyOf(variables)));
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot record the lookups of Configuration: its private field 'environment'"
          + " (a Map<String, String>) is gone; update RecordingConfiguration", e);
    }
  }

  /** A recording configuration over these variables. */
  public static RecordingConfiguration of(Map<String, String> variables) {
    return new RecordingConfiguration(variables);
  }

  /** The configuration to hand the provider. */
  public Configuration configuration() {
    return configuration;
  }

  /** The keys looked up so far, without the {@code AUTHORIZER_} prefix, sorted. */
  public SortedSet<String> keysRead() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(read));
  }

  /** The variables, recording every key looked up. */
  private final class Recording extends AbstractMap<String, String> {
    private final Map<String, String> variables;

    Recording(Map<String, String> variables) {
      this.variables = variables;
    }

    private void record(Object key) {
      if (key instanceof String name && name.startsWith(Configuration.PREFIX)) {
        read.add(name.substring(Configuration.PREFIX.length()));
      }
    }

    @Override
    public String get(Object key) {
      record(key);
      return variables.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      record(key);
      return variables.containsKey(key);
    }

    @Override
    public String getOrDefault(Object key, String defaultValue) {
      record(key);
      return variables.getOrDefault(key, defaultValue);
    }

    @Override
    public Set<Map.Entry<String, String>> entrySet() {
      return variables.entrySet();
    }
  }
}
