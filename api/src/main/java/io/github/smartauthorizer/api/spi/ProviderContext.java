package io.github.smartauthorizer.api.spi;

import java.time.Clock;
import java.time.Duration;

/**
 * What the host (the Lambda handler, the command-line tool or a test) hands a provider when it builds its
 * {@link io.github.smartauthorizer.api.TokenValidator}.
 */
public interface ProviderContext {

  /** The provider's configuration: typed getters over {@code AUTHORIZER_*} environment variables. */
  Configuration configuration();

  /** Where to read secrets such as client credentials. */
  SecretSource secrets();

  /** The clock every time check uses (tests pass a fixed one). */
  Clock clock();

  /**
   * The timeout for one remote call (a JWKS fetch, an introspection), derived from HealthLake's 1-second budget
   * ({@code AUTHORIZER_TIMEOUT_MS}). No provider may wait longer for one request, retries included.
   */
  Duration remoteCallTimeout();

  /**
   * The timeout for remote calls made while building the validator (prefetching keys or credentials,
   * {@code AUTHORIZER_INIT_TIMEOUT_MS}). It may be longer than {@link #remoteCallTimeout()}: a prefetch that gives up
   * early leaves every request to fail until the next attempt, while one that succeeds serves them all.
   */
  Duration initTimeout();

  /**
   * A logger whose lines the host writes as structured JSON. Never log a token, a secret or a whole claim set.
   *
   * @param name the logger's name, usually the provider's class name
   */
  System.Logger logger(String name);
}
