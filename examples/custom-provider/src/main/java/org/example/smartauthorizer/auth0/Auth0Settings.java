package org.example.smartauthorizer.auth0;

import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code auth0} provider's settings, read once at init from {@code AUTHORIZER_*} variables through the api's
 * {@link Configuration} (which names the variable in every error):
 *
 * <table>
 *   <caption>Variables</caption>
 *   <tr><td>{@code AUTHORIZER_AUTH0_DOMAIN}</td><td>the tenant's domain, e.g. {@code example.us.auth0.com} or a custom
 *       domain; the issuer is {@code https://{domain}/}</td></tr>
 *   <tr><td>{@code AUTHORIZER_ISSUER}</td><td>instead: the issuer exactly as in {@code iss}, with its trailing
 *       slash</td></tr>
 *   <tr><td>{@code AUTHORIZER_JWKS_URI}</td><td>default {@code {issuer}.well-known/jwks.json}</td></tr>
 *   <tr><td>{@code AUTHORIZER_AUDIENCE}</td><td>the API identifiers accepted in {@code aud}, comma-separated; default
 *       the data store endpoint</td></tr>
 *   <tr><td>{@code AUTHORIZER_AUTH0_PERMISSIONS}</td><td>{@code fallback} (default), {@code merge} or
 *       {@code ignore}: how the RBAC {@code permissions} array enters the scope</td></tr>
 *   <tr><td>{@code AUTHORIZER_REQUIRED_TOKEN_TYPE}</td><td>a header {@code typ} to require, e.g. {@code at+jwt} with
 *       the {@code rfc9068_profile} token dialect</td></tr>
 *   <tr><td>{@code AUTHORIZER_CLIENT_IDS}</td><td>optional allow-list of {@code client_id}/{@code azp}</td></tr>
 *   <tr><td>{@code AUTHORIZER_CLOCK_SKEW_SECONDS}</td><td>0 to 300, default 60</td></tr>
 *   <tr><td>{@code AUTHORIZER_MAX_TOKEN_BYTES}</td><td>512 to 65536, default 8192</td></tr>
 * </table>
 */
record Auth0Settings(String issuer, URI jwksUri, List<String> audiences, Permissions permissions, String requiredType,
    Set<String> clientIds, Duration clockSkew, int maxTokenBytes) {

  /** How the RBAC {@code permissions} claim enters the HealthLake {@code scope}. */
  enum Permissions {
    /** Only when the token has no {@code scope} claim. */
    FALLBACK,
    /** Appended to {@code scope} (each once): widens the grant to every permission the user holds for the API. */
    MERGE,
    /** Never. */
    IGNORE
  }

  private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+");

  static Auth0Settings from(Configuration config) {
    String issuer = issuer(config);
    URI jwks = config.url("JWKS_URI").orElseGet(() -> URI.create(issuer + ".well-known/jwks.json"));
    Permissions permissions = Permissions.valueOf(config.choice("AUTH0_PERMISSIONS", "fallback",
        Set.of("fallback", "merge", "ignore")).toUpperCase(Locale.ROOT));
    return new Auth0Settings(issuer, jwks, config.list("AUDIENCE"), permissions,
        config.optional("REQUIRED_TOKEN_TYPE").orElse(null), Set.copyOf(config.list("CLIENT_IDS")),
        config.seconds("CLOCK_SKEW_SECONDS", Duration.ofSeconds(60), 0, 300),
        (int) config.number("MAX_TOKEN_BYTES", 8192, 512, 65_536));
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
    config.requiredUrl("ISSUER", "the issuer URL");
    String issuer = config.required("ISSUER", "the issuer URL");
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
}
