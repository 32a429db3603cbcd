package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ProviderContext;
import io.github.smartauthorizer.api.spi.SecretSource;
import java.time.Clock;
import java.time.Duration;

/** The {@link ProviderContext} the handler and the command-line tool give a provider. */
record HostContext(Configuration configuration, SecretSource secrets, Clock clock, Duration remoteCallTimeout,
    Duration initTimeout, JsonLog log) implements ProviderContext {

  @Override
  public System.Logger logger(String name) {
    return log.logger(name);
  }
}
