package io.github.smartauthorizer.api.spi;

import io.github.smartauthorizer.api.ClaimMapper;
import io.github.smartauthorizer.api.TokenValidator;
import java.util.Set;

/**
 * A factory for the validator of one kind of identity provider, found with {@link java.util.ServiceLoader} and chosen
 * by its {@link #name()} ({@code AUTHORIZER_PROVIDER}). Register an implementation in
 * {@code META-INF/services/io.github.smartauthorizer.api.spi.AuthorizerProvider}; it needs a public no-argument
 * constructor and should do nothing in it, because every provider on the class path is instantiated to read its name.
 *
 * <p>Two providers with the same name are a configuration error. One provider may serve several instances
 * ({@code AUTHORIZER_PROVIDERS=staff:keycloak,partners:keycloak}); each instance's context then reads its own
 * variables ({@link Configuration#scoped}), and {@link #route} says which tokens it is for.
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

  /**
   * Which tokens the validator built from this configuration is for, read from the same configuration. Called at init
   * after {@link #createValidator}, only when the Lambda serves several provider instances
   * ({@code AUTHORIZER_PROVIDERS}), to route each token by its unverified {@code iss} (or, for a token that is not a
   * JWT, to the introspection instance) before it is validated. Must not do any I/O.
   *
   * <p>The default, {@link TokenRoute#UNKNOWN}, lets the provider serve as the only provider
   * ({@code AUTHORIZER_PROVIDER}) but not as one of several: a provider that verifies the JWTs of one issuer returns
   * {@link TokenRoute#jwtIssuer}, one that introspects returns {@link TokenRoute#introspection}.
   *
   * @param context the same context as for the validator
   * @return the route, never {@code null}
   * @throws ConfigurationException when a setting is missing or wrong
   */
  default TokenRoute route(ProviderContext context) {
    return TokenRoute.UNKNOWN;
  }

  /**
   * The settings this provider reads, as keys without the prefix ({@code ISSUER} for {@code AUTHORIZER_ISSUER}; with
   * several instances the host reads them as {@code AUTHORIZER_<NAME>_ISSUER}). The host uses them to warn about
   * variables nothing reads (a misspelt {@code AUTHORIZER_ISSUR}) and to refuse provider settings given without an
   * instance name. The default, none, makes every variable only this provider reads look unknown.
   */
  default Set<String> settingNames() {
    return Set.of();
  }

  /**
   * Loads and runs, on a background thread at init and before the configuration is read, the code the first request
   * will need (an HTTP client and its TLS context, the JSON and signature code), so that a cold start overlaps it
   * with the rest of init. Called only for providers the configuration names. No I/O, no token, no secret; never
   * throws. The default does nothing.
   */
  default void warmUp() {}
}
