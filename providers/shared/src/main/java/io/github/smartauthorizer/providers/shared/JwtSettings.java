package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.api.spi.ProviderContext;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The settings every JWT provider reads, in one place, turned into a pre-filled {@link JwtValidator.Builder}:
 *
 * <table>
 *   <caption>Variables</caption>
 *   <tr><td>{@code AUTHORIZER_AUDIENCE}</td><td>comma-separated audiences; default: the event's data store endpoint</td></tr>
 *   <tr><td>{@code AUTHORIZER_ALGORITHMS}</td><td>comma-separated JWS algorithms; default {@code RS256}</td></tr>
 *   <tr><td>{@code AUTHORIZER_CLOCK_SKEW_SECONDS}</td><td>0 to 300; default 60</td></tr>
 *   <tr><td>{@code AUTHORIZER_REQUIRED_TOKEN_TYPE}</td><td>header {@code typ} to require, e.g. {@code at+jwt}</td></tr>
 *   <tr><td>{@code AUTHORIZER_MAX_TOKEN_BYTES}</td><td>512 to 65536; default 8192</td></tr>
 *   <tr><td>{@code AUTHORIZER_JWKS_TTL_SECONDS}</td><td>10 to 86400; default 900</td></tr>
 *   <tr><td>{@code AUTHORIZER_JWKS_REFETCH_INTERVAL_SECONDS}</td><td>1 to 3600; default 30</td></tr>
 *   <tr><td>{@code AUTHORIZER_JWKS_MAX_STALE_SECONDS}</td><td>0 to 604800; default 21600</td></tr>
 *   <tr><td>{@code AUTHORIZER_JWKS_FILE}</td><td>the path of a JWKS file (e.g. {@code /opt/jwks.json}) whose keys are
 *       trusted from init without a fetch</td></tr>
 *   <tr><td>{@code AUTHORIZER_JWKS}</td><td>instead: the JWKS document itself</td></tr>
 * </table>
 *
 * <p>Keys supplied up front ({@code AUTHORIZER_JWKS_FILE} or {@code AUTHORIZER_JWKS}, see {@link SuppliedJwks}) are
 * held by the key cache as if fetched at init ({@link JwksCache.Builder#suppliedKeys}); the JWKS URI, or discovery,
 * stays the source of every refresh.
 */
public final class JwtSettings {
  /** The largest JWKS or discovery document accepted. */
  public static final int MAX_DOCUMENT_BYTES = 256 * 1024;

  /** The key of {@code AUTHORIZER_ISSUER}, the issuer exactly as in the tokens' {@code iss}. */
  public static final String ISSUER = "ISSUER";
  /** The key of {@code AUTHORIZER_JWKS_URI}, the JWKS URL (else OIDC discovery from the issuer). */
  public static final String JWKS_URI = "JWKS_URI";
  /** The key of {@code AUTHORIZER_AUDIENCE}, the comma-separated audiences. */
  public static final String AUDIENCE = "AUDIENCE";
  static final String ALGORITHMS = "ALGORITHMS";
  static final String REQUIRED_TOKEN_TYPE = "REQUIRED_TOKEN_TYPE";
  static final String JWKS_TTL_SECONDS = "JWKS_TTL_SECONDS";
  static final String JWKS_REFETCH_INTERVAL_SECONDS = "JWKS_REFETCH_INTERVAL_SECONDS";
  static final String JWKS_MAX_STALE_SECONDS = "JWKS_MAX_STALE_SECONDS";
  /** The key of {@code AUTHORIZER_JWKS}, a JWKS document supplied up front. */
  static final String JWKS = "JWKS";
  /** The key of {@code AUTHORIZER_JWKS_FILE}, the path of a JWKS file supplied up front. */
  static final String JWKS_FILE = "JWKS_FILE";

  /**
   * Every key {@link #issuer}, {@link #location} and {@link #configure} read (without the {@code AUTHORIZER_}
   * prefix), for a provider's {@link io.github.smartauthorizer.api.spi.AuthorizerProvider#settingNames()}. Sorted.
   */
  public static final Set<String> SETTING_NAMES = SettingNames.union(Set.of(ISSUER, JWKS_URI, AUDIENCE, ALGORITHMS,
      REQUIRED_TOKEN_TYPE, JWKS_TTL_SECONDS, JWKS_REFETCH_INTERVAL_SECONDS, JWKS_MAX_STALE_SECONDS, JWKS, JWKS_FILE),
      TokenSettings.SETTING_NAMES);

  private JwtSettings() {}

  /** The configured issuer ({@code AUTHORIZER_ISSUER}), required. */
  public static String issuer(Configuration config) {
    config.requiredUrl(ISSUER, "the issuer URL, exactly as in the tokens' iss claim");
    return config.required(ISSUER, "the issuer URL, exactly as in the tokens' iss claim");
  }

  /** {@code AUTHORIZER_JWKS_URI} when set, else OIDC discovery from the issuer. */
  public static JwksLocation location(Configuration config, String issuer) {
    return config.url(JWKS_URI).map(JwksLocation::fixed).orElseGet(() -> JwksLocation.discovered(issuer));
  }

  /**
   * A validator builder for an issuer and key location, with every shared setting read and validated and the key
   * cache built (holding the keys supplied up front, if any). The caller adds its own checks, builds, and should then
   * prefetch the keys (which fetches nothing when they were supplied).
   */
  public static JwtValidator.Builder configure(ProviderContext context, String issuer, JwksLocation location) {
    Configuration config = context.configuration();
    Set<JwsAlgorithm> algorithms = algorithms(config);
    System.Logger log = context.logger(JwksCache.class.getName());
    JwkSet supplied = SuppliedJwks.read(config, algorithms, log).orElse(null);
    JwksCache keys = JwksCache.builder()
        .fetcher(new HttpFetcher(context.remoteCallTimeout(), MAX_DOCUMENT_BYTES))
        .initTimeout(context.initTimeout())
        .location(location)
        .algorithms(algorithms)
        .clock(context.clock())
        .ttl(config.seconds(JWKS_TTL_SECONDS, Duration.ofMinutes(15), 10, 86_400))
        .refetchInterval(config.seconds(JWKS_REFETCH_INTERVAL_SECONDS, Duration.ofSeconds(30), 1, 3_600))
        .maxStale(config.seconds(JWKS_MAX_STALE_SECONDS, Duration.ofHours(6), 0, 604_800))
        .lockWait(context.remoteCallTimeout())
        .suppliedKeys(supplied)
        .log(log)
        .build();
    return JwtValidator.builder()
        .issuer(issuer)
        .audiences(config.list(AUDIENCE))
        .algorithms(algorithms)
        .clockSkew(TokenSettings.clockSkew(config))
        .requiredType(config.optional(REQUIRED_TOKEN_TYPE).orElse(null))
        .maxTokenBytes(TokenSettings.maxTokenBytes(config))
        .keys(keys)
        .clock(context.clock());
  }

  static Set<JwsAlgorithm> algorithms(Configuration config) {
    List<String> names = config.list(ALGORITHMS);
    if (names.isEmpty()) {
      return EnumSet.of(JwsAlgorithm.RS256);
    }
    Set<JwsAlgorithm> algorithms = EnumSet.noneOf(JwsAlgorithm.class);
    for (String name : names) {
      algorithms.add(JwsAlgorithm.byName(name).orElseThrow(() -> new ConfigurationException(
          config.variable(ALGORITHMS), "expects JWS algorithm names from " + JwsAlgorithm.supportedNames()
              + " (case-sensitive), got '" + name + "'")));
    }
    return algorithms;
  }
}
