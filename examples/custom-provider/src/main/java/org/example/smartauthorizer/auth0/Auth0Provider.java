package org.example.smartauthorizer.auth0;

import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.api.spi.ProviderContext;
import io.github.smartauthorizer.api.spi.TokenRoute;
import io.github.smartauthorizer.providers.shared.HttpFetcher;
import io.github.smartauthorizer.providers.shared.JwksLocation;
import io.github.smartauthorizer.providers.shared.JwtSettings;
import io.github.smartauthorizer.providers.shared.JwtValidator;
import io.github.smartauthorizer.providers.shared.SettingNames;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Provider {@code auth0}: access tokens of one Auth0 tenant, verified locally against the tenant's JWKS (Auth0 has no
 * introspection endpoint). An example of a provider in its own jar, built on the toolkit
 * ({@code smart-authorizer-provider-shared}): {@link JwtSettings} and {@link JwtValidator} do the JSON, the keys, the
 * signature, {@code iss}, the times and {@code aud}; this class adds only what is Auth0's ({@link Auth0TokenRules}).
 *
 * <table>
 *   <caption>Variables</caption>
 *   <tr><td>{@code AUTHORIZER_AUTH0_DOMAIN}</td><td>the tenant's domain, e.g. {@code example.us.auth0.com} or a custom
 *       domain; the issuer is {@code https://{domain}/}</td></tr>
 *   <tr><td>{@code AUTHORIZER_ISSUER}</td><td>instead: the issuer exactly as in {@code iss}, with its trailing
 *       slash</td></tr>
 *   <tr><td>{@code AUTHORIZER_JWKS_URI}</td><td>default {@code {issuer}.well-known/jwks.json}</td></tr>
 *   <tr><td>{@code AUTHORIZER_AUDIENCE}</td><td>the API identifiers accepted in {@code aud}; default the data store
 *       endpoint</td></tr>
 *   <tr><td>{@code AUTHORIZER_CLIENT_IDS}</td><td>optional {@code azp} allow-list</td></tr>
 *   <tr><td>{@code AUTHORIZER_AUTH0_PERMISSIONS}</td><td>{@code fallback} (default), {@code merge} or
 *       {@code ignore}: how the RBAC {@code permissions} array enters the scope</td></tr>
 * </table>
 *
 * <p>Plus the shared settings of {@link JwtSettings}. Keys are fetched at init.
 */
public final class Auth0Provider implements AuthorizerProvider {
  /** The provider name. */
  public static final String NAME = "auth0";

  /** The settings read here and by {@link JwtSettings#configure}, without the {@code AUTHORIZER_} prefix. */
  static final Set<String> SETTINGS =
      SettingNames.union(Set.of("AUTH0_DOMAIN", "CLIENT_IDS", "AUTH0_PERMISSIONS"), JwtSettings.SETTING_NAMES);

  private static final Pattern DOMAIN =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+");

  /** Needed by {@link java.util.ServiceLoader}; does nothing. */
  public Auth0Provider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public TokenValidator createValidator(ProviderContext context) {
    Configuration config = context.configuration();
    String issuer = issuer(config);
    Auth0TokenRules.Permissions permissions = Auth0TokenRules.Permissions.valueOf(config.choice(
        "AUTH0_PERMISSIONS", "fallback", Set.of("fallback", "merge", "ignore")).toUpperCase(Locale.ROOT));
    Auth0TokenRules rules = new Auth0TokenRules(new LinkedHashSet<>(config.list("CLIENT_IDS")), permissions);
    JwtValidator.Builder builder = JwtSettings.configure(context, issuer, JwksLocation.fixed(jwksUri(config, issuer)))
        .customizer(rules);
    rules.checks().forEach(builder::addCheck);
    JwtValidator validator = builder.build();
    validator.keys().prefetch();
    return validator;
  }

  /** JWTs of the tenant's issuer. */
  @Override
  public TokenRoute route(ProviderContext context) {
    return TokenRoute.jwtIssuer(issuer(context.configuration()));
  }

  @Override
  public Set<String> settingNames() {
    return SETTINGS;
  }

  /** Loads the toolkit's HTTP client and TLS context, which the key fetch at init needs. */
  @Override
  public void warmUp() {
    HttpFetcher.warmUpTls();
    HttpFetcher.warmUpCallPath();
  }

  /** {@code AUTHORIZER_ISSUER}, else {@code https://{AUTHORIZER_AUTH0_DOMAIN}/}; when both are set they must agree. */
  static String issuer(Configuration config) {
    Optional<String> domain = config.optional("AUTH0_DOMAIN");
    if (domain.isPresent() && !DOMAIN.matcher(domain.get()).matches()) {
      throw new ConfigurationException(config.variable("AUTH0_DOMAIN"), "expects the tenant's domain without scheme "
          + "or path, e.g. example.us.auth0.com, got '" + domain.get() + "'");
    }
    Optional<String> derived = domain.map(d -> "https://" + d.toLowerCase(Locale.ROOT) + "/");
    if (config.optional("ISSUER").isEmpty()) {
      return derived.orElseThrow(() -> new ConfigurationException(config.variable("AUTH0_DOMAIN"),
          "is required: the tenant's domain, e.g. example.us.auth0.com (or set " + config.variable("ISSUER") + ")"));
    }
    String issuer = JwtSettings.issuer(config);
    if (!issuer.endsWith("/")) {
      throw new ConfigurationException(config.variable("ISSUER"), "expects the Auth0 issuer with its trailing slash, "
          + "exactly as in iss, e.g. https://example.us.auth0.com/, got '" + issuer + "'");
    }
    if (derived.isPresent() && !derived.get().equals(issuer)) {
      throw new ConfigurationException(config.variable("ISSUER"), "is '" + issuer + "' but "
          + config.variable("AUTH0_DOMAIN") + " gives '" + derived.get() + "'; set one or the other");
    }
    return issuer;
  }

  /** {@code AUTHORIZER_JWKS_URI}, else {@code {issuer}.well-known/jwks.json}. */
  static URI jwksUri(Configuration config, String issuer) {
    return config.url("JWKS_URI").orElseGet(() -> URI.create(issuer + ".well-known/jwks.json"));
  }
}
