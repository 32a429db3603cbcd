package io.github.smartauthorizer.providers.introspection;

import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ProviderContext;
import io.github.smartauthorizer.api.spi.SecretSource;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** What a host hands a provider, built from a map of variables, for tests. */
record TestProviderContext(Configuration configuration, SecretSource secrets, Clock clock, Duration remoteCallTimeout,
    Duration initTimeout) implements ProviderContext {

  static final Duration REMOTE_CALL_TIMEOUT = Duration.ofMillis(300);
  static final Duration INIT_TIMEOUT = Duration.ofSeconds(2);

  /** A context with the standard test timeouts: 300 ms per remote call, 2 s at init. */
  static TestProviderContext of(Map<String, String> variables, SecretSource secrets, Clock clock) {
    return new TestProviderContext(Configuration.of(variables), secrets, clock, REMOTE_CALL_TIMEOUT, INIT_TIMEOUT);
  }

  @Override
  public System.Logger logger(String name) {
    return System.getLogger(name);
  }
}
