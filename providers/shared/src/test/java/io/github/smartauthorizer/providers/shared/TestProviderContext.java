package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ProviderContext;
import io.github.smartauthorizer.api.spi.SecretSource;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * What a host hands a provider, built from a map of variables, for tests: 500 ms per remote call, 2 s at init, and one
 * {@link RecordingLogger} for every logger name (keeps test output quiet and lets tests assert what was logged).
 * Shared through this module's test-jar by the provider modules' tests.
 */
public record TestProviderContext(Configuration configuration, SecretSource secrets, Clock clock,
    Duration remoteCallTimeout, Duration initTimeout, RecordingLogger log) implements ProviderContext {

  public static final Duration REMOTE_CALL_TIMEOUT = Duration.ofMillis(500);
  public static final Duration INIT_TIMEOUT = Duration.ofSeconds(2);

  public static TestProviderContext of(Map<String, String> variables, SecretSource secrets, Clock clock) {
    return new TestProviderContext(Configuration.of(variables), secrets, clock, REMOTE_CALL_TIMEOUT, INIT_TIMEOUT,
        new RecordingLogger("test"));
  }

  /** A context over a configuration built elsewhere (a {@link RecordingConfiguration}'s). */
  public static TestProviderContext of(Configuration configuration, SecretSource secrets, Clock clock) {
    return new TestProviderContext(configuration, secrets, clock, REMOTE_CALL_TIMEOUT, INIT_TIMEOUT,
        new RecordingLogger("test"));
  }

  /** A context without secrets. */
  public static TestProviderContext of(Map<String, String> variables, Clock clock) {
    return of(variables, SecretSource.none(), clock);
  }

  @Override
  public System.Logger logger(String name) {
    return log;
  }
}
