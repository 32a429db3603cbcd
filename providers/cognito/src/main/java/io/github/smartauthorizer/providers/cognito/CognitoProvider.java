package io.github.smartauthorizer.providers.cognito;

import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.api.spi.ProviderContext;
import io.github.smartauthorizer.api.spi.TokenRoute;
import io.github.smartauthorizer.providers.shared.JwksCache;
import io.github.smartauthorizer.providers.shared.JwksLocation;
import io.github.smartauthorizer.providers.shared.JwtSettings;
import io.github.smartauthorizer.providers.shared.JwtValidator;
import io.github.smartauthorizer.providers.shared.SettingNames;
import io.github.smartauthorizer.providers.shared.ToolkitWarmUp;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Provider {@code cognito}: access tokens of one Amazon Cognito user pool, verified locally against the pool's JWKS.
 * Cognito has no introspection endpoint, so a revoked token is accepted until its {@code exp}.
 *
 * <table>
 *   <caption>Variables</caption>
 *   <tr><td>{@code AUTHORIZER_COGNITO_USER_POOL_ID}</td><td>e.g. {@code us-east-1_AbCdEf123}; the issuers are
 *       {@code https://cognito-idp.{region}.amazonaws.com/{poolId}} and
 *       {@code https://issuer-cognito-idp.{region}.amazonaws.com/{poolId}}, the region being the id's prefix
 *       ({@link #issuers})</td></tr>
 *   <tr><td>{@code AUTHORIZER_COGNITO_REPLICA_REGIONS}</td><td>optional AWS Regions of the pool's replicas, e.g.
 *       {@code us-west-2,eu-west-1}: the original issuer of each is accepted too</td></tr>
 *   <tr><td>{@code AUTHORIZER_COGNITO_CLIENT_IDS}</td><td>required: the app client ids whose tokens are accepted
 *       ({@code client_id}); Cognito access tokens carry no {@code aud}</td></tr>
 *   <tr><td>{@code AUTHORIZER_COGNITO_SCOPE_PREFIX}</td><td>optional resource-server prefix to strip from scopes,
 *       e.g. {@code https://fhir.example.com/}</td></tr>
 *   <tr><td>{@code AUTHORIZER_ISSUER}, {@code AUTHORIZER_JWKS_URI}</td><td>override the derived issuer and
 *       {@code {issuer}/.well-known/jwks.json} (tests, other partitions)</td></tr>
 * </table>
 *
 * <p>Plus the shared settings of {@link JwtSettings}, except {@code AUTHORIZER_AUDIENCE}, which is refused. Each issuer
 * form is verified against its own {@code {issuer}/.well-known/jwks.json} with its own key cache
 * ({@link CognitoIssuerValidator}), so that a replica's tokens need no call to the primary Region; forms sharing one
 * location ({@code AUTHORIZER_JWKS_URI}) share one cache. Keys are fetched at init. The claim rules are {@link CognitoTokenRules}.
 */
public final class CognitoProvider implements AuthorizerProvider {
  /** The provider name. */
  public static final String NAME = "cognito";

  static final String JWKS_PATH = "/.well-known/jwks.json";

  static final String COGNITO_USER_POOL_ID = "COGNITO_USER_POOL_ID";
  static final String COGNITO_CLIENT_IDS = "COGNITO_CLIENT_IDS";
  static final String COGNITO_SCOPE_PREFIX = "COGNITO_SCOPE_PREFIX";
  static final String COGNITO_REPLICA_REGIONS = "COGNITO_REPLICA_REGIONS";
  /** This provider's own keys and the shared JWT settings. */
  static final Set<String> SETTING_NAMES = SettingNames.union(
      Set.of(COGNITO_USER_POOL_ID, COGNITO_CLIENT_IDS, COGNITO_SCOPE_PREFIX, COGNITO_REPLICA_REGIONS),
      JwtSettings.SETTING_NAMES);

  /** {@code {region}_{id}}: a region such as {@code us-east-1} or {@code us-gov-west-1}, an underscore, the id. */
  private static final Pattern USER_POOL_ID = Pattern.compile("([a-z]{2,}(?:-[a-z]+)+-\\d+)_[A-Za-z0-9]+");
  /** An AWS Region name, as in a user pool id: {@code us-west-2}, {@code us-gov-west-1}. */
  private static final Pattern REGION = Pattern.compile("[a-z]{2,}(?:-[a-z]+)+-\\d+");
  /** Prefixes that would strip the SMART context itself ({@code patient/*.read} to {@code *.read}). */
  private static final Set<String> SMART_CONTEXTS = Set.of("patient", "user", "system", "launch");

  /** Rewrites each derived JWKS URI before it is fetched: the identity, except in tests (loopback for Cognito hosts). */
  private final UnaryOperator<URI> jwksHosting;

  /** The provider, as the service loader creates it. */
  public CognitoProvider() {
    this(UnaryOperator.identity());
  }

  /** For tests: {@code jwksHosting} maps each derived {@code https://{host}/{poolId}/.well-known/jwks.json}. */
  CognitoProvider(UnaryOperator<URI> jwksHosting) {
    this.jwksHosting = jwksHosting;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public TokenValidator createValidator(ProviderContext context) {
    Configuration config = context.configuration();
    if (config.optional(JwtSettings.AUDIENCE).isPresent()) {
      throw new ConfigurationException(config.variable(JwtSettings.AUDIENCE), "is not used by the cognito provider: "
          + "Cognito access tokens carry no aud; list the app client ids in " + config.variable(COGNITO_CLIENT_IDS));
    }
    List<String> issuers = issuers(config);
    CognitoTokenRules rules = new CognitoTokenRules(clientIds(config), scopePrefix(config).orElse(null));
    // One validator per issuer form, each with the key cache of its own JWKS location; forms sharing a location (a
    // configured AUTHORIZER_JWKS_URI) share one cache.
    Map<URI, JwksCache> caches = new LinkedHashMap<>();
    Map<String, JwtValidator> validators = new LinkedHashMap<>();
    List<JwtValidator> fetching = new ArrayList<>();
    for (String issuer : issuers) {
      URI jwks = hostedJwksUri(config, issuer);
      JwtValidator.Builder builder = JwtSettings.configure(context, issuer, JwksLocation.fixed(jwks))
          // Cognito access tokens carry no aud; the rules bind the token to its app client instead.
          .withoutAudienceCheck()
          .customizer(rules);
      JwksCache shared = caches.get(jwks);
      if (shared != null) {
        builder.keys(shared);
      }
      rules.checks().forEach(builder::addCheck);
      JwtValidator validator = builder.build();
      if (shared == null) {
        caches.put(jwks, validator.keys());
        fetching.add(validator);
        validator.keys().prefetch();
      }
      validators.put(issuer, validator);
    }
    return validators.size() == 1 ? validators.values().iterator().next()
        : new CognitoIssuerValidator(validators, fetching);
  }

  /** JWTs of every issuer form of the user pool ({@link #issuers}). */
  @Override
  public TokenRoute route(ProviderContext context) {
    return TokenRoute.jwtIssuers(issuers(context.configuration()));
  }

  /**
   * {@code COGNITO_USER_POOL_ID}, {@code COGNITO_CLIENT_IDS}, {@code COGNITO_SCOPE_PREFIX} and
   * {@code COGNITO_REPLICA_REGIONS}, plus the shared JWT
   * settings ({@link JwtSettings#SETTING_NAMES}; {@code AUDIENCE} among them is read only to be refused).
   */
  @Override
  public Set<String> settingNames() {
    return SETTING_NAMES;
  }

  /** The toolkit's warm-up ({@link ToolkitWarmUp#start()}): the HTTP client, its TLS context, the decision path. */
  @Override
  public void warmUp() {
    ToolkitWarmUp.start();
  }

  /**
   * {@code AUTHORIZER_ISSUER}, else the issuer of {@code AUTHORIZER_COGNITO_USER_POOL_ID}; the pool id is validated
   * whenever it is set.
   */
  static String issuer(Configuration config) {
    Optional<String> poolId = config.optional(COGNITO_USER_POOL_ID);
    Optional<String> region = poolId.map(id -> region(config, id));
    if (config.optional(JwtSettings.ISSUER).isPresent()) {
      return JwtSettings.issuer(config);
    }
    if (poolId.isEmpty()) {
      throw new ConfigurationException(config.variable(COGNITO_USER_POOL_ID), "is required: the user pool id, "
          + "e.g. us-east-1_AbCdEf123 (or set " + config.variable(JwtSettings.ISSUER) + ")");
    }
    return "https://cognito-idp." + region.get() + ".amazonaws.com/" + poolId.get();
  }

  /**
   * Every {@code iss} the pool can issue, exactly: {@code AUTHORIZER_ISSUER} alone when set; else the original issuer
   * of the pool's home Region (the id's prefix, {@link #issuer}), the updated issuer
   * {@code https://issuer-cognito-idp.{region}.amazonaws.com/{poolId}} of the same Region, and the original issuer of
   * each Region in {@code AUTHORIZER_COGNITO_REPLICA_REGIONS} (multi-Region replication: a replica issues tokens
   * under the original format with its own Region, the updated format always names the primary Region).
   */
  static List<String> issuers(Configuration config) {
    String issuer = issuer(config);
    List<String> replicas = config.list(COGNITO_REPLICA_REGIONS);
    if (config.optional(JwtSettings.ISSUER).isPresent()) {
      if (!replicas.isEmpty()) {
        throw new ConfigurationException(config.variable(COGNITO_REPLICA_REGIONS), "cannot be combined with "
            + config.variable(JwtSettings.ISSUER) + ": the replica issuers are derived from "
            + config.variable(COGNITO_USER_POOL_ID) + "; unset one of them");
      }
      return List.of(issuer);
    }
    String poolId = config.optional(COGNITO_USER_POOL_ID).orElseThrow();
    String home = region(config, poolId);
    Set<String> issuers = new LinkedHashSet<>();
    issuers.add(issuer);
    issuers.add("https://issuer-cognito-idp." + home + ".amazonaws.com/" + poolId);
    for (String replica : replicas) {
      if (!REGION.matcher(replica).matches()) {
        throw new ConfigurationException(config.variable(COGNITO_REPLICA_REGIONS), "expects comma-separated AWS "
            + "Region names, e.g. us-west-2,eu-west-1, got '" + replica + "'");
      }
      if (replica.equals(home)) {
        throw new ConfigurationException(config.variable(COGNITO_REPLICA_REGIONS), "names " + replica + ", the "
            + "pool's home Region (the prefix of " + config.variable(COGNITO_USER_POOL_ID) + "); list only the "
            + "Regions of its replicas");
      }
      issuers.add("https://cognito-idp." + replica + ".amazonaws.com/" + poolId);
    }
    return List.copyOf(issuers);
  }

  /** The region prefix of a user pool id. */
  private static String region(Configuration config, String poolId) {
    Matcher matcher = USER_POOL_ID.matcher(poolId);
    if (!matcher.matches()) {
      throw new ConfigurationException(config.variable(COGNITO_USER_POOL_ID), "expects a user pool id "
          + "{region}_{id}, e.g. us-east-1_AbCdEf123, got '" + poolId + "'");
    }
    return matcher.group(1);
  }

  /** {@code AUTHORIZER_JWKS_URI}, else {@code {issuer}/.well-known/jwks.json}. */
  static URI jwksUri(Configuration config, String issuer) {
    String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    return config.url(JwtSettings.JWKS_URI).orElseGet(() -> URI.create(base + JWKS_PATH));
  }

  /** {@link #jwksUri(Configuration, String)} through the JWKS hosting (the identity but in tests). */
  private URI hostedJwksUri(Configuration config, String issuer) {
    return config.url(JwtSettings.JWKS_URI).orElseGet(() -> jwksHosting.apply(jwksUri(config, issuer)));
  }

  private static Set<String> clientIds(Configuration config) {
    List<String> ids = config.list(COGNITO_CLIENT_IDS);
    if (ids.isEmpty()) {
      throw new ConfigurationException(config.variable(COGNITO_CLIENT_IDS), "is required: the comma-separated app "
          + "client ids whose access tokens are accepted (Cognito access tokens carry no aud, only client_id)");
    }
    return new LinkedHashSet<>(ids);
  }

  /** {@code AUTHORIZER_COGNITO_SCOPE_PREFIX}, ending with {@code /}. */
  static Optional<String> scopePrefix(Configuration config) {
    Optional<String> value = config.optional(COGNITO_SCOPE_PREFIX);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    String prefix = value.get();
    String bare = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    if (bare.isEmpty() || prefix.chars().anyMatch(Character::isWhitespace)) {
      throw new ConfigurationException(config.variable(COGNITO_SCOPE_PREFIX), "expects a resource-server "
          + "identifier without spaces, e.g. https://fhir.example.com/, got '" + prefix + "'");
    }
    if (SMART_CONTEXTS.contains(bare.toLowerCase(Locale.ROOT))) {
      throw new ConfigurationException(config.variable(COGNITO_SCOPE_PREFIX), "is '" + prefix + "', which would "
          + "strip the SMART context itself; with resource servers named patient, user, system or launch the scopes "
          + "need no stripping: leave it unset");
    }
    return Optional.of(bare + "/");
  }
}
