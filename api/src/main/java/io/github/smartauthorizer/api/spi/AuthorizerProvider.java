package io.github.smartauthorizer.api.spi;

import io.github.smartauthorizer.api.ClaimMapper;
import io.github.smartauthorizer.api.TokenValidator;

/**
 * A factory for the validator of one kind of identity provider, found with {@link java.util.ServiceLoader} and chosen
 * by its {@link #name()} ({@code AUTHORIZER_PROVIDER}). Register an implementation in
 * {@code META-INF/services/io.github.smartauthorizer.api.spi.AuthorizerProvider}; it needs a public no-argument
 * constructor and should do nothing in it, because every provider on the class path is instantiated to read its name.
 *
 * <p>Two providers with the same name are a configuration error.
 */
public interface AuthorizerProvider {

  /** The name operators put in {@code AUTHORIZER_PROVIDER}: lower case, e.g. {@code jwks}, {@code okta}. */
  String name();

  /**
   * Builds the validator once, at init: reads and validates the configuration, and may prefetch keys or credentials
   * so that the first request does no setup.
   *
   * @param context configuration, secrets, clock and timeouts
   * @return an immutable, thread-safe validator
   * @throws ConfigurationException when a setting is missing or wrong
   */
  TokenValidator createValidator(ProviderContext context);

  /**
   * The mapper for accepted tokens. The default keeps the standard HealthLake mapping, which suits every provider
   * that normalizes its claims into {@link io.github.smartauthorizer.api.VerifiedToken}.
   *
   * @param context the same context as for the validator
   * @param standard the standard mapper
   * @return the mapper to use, never {@code null}
   */
  default ClaimMapper createClaimMapper(ProviderContext context, ClaimMapper standard) {
    return standard;
  }
}
