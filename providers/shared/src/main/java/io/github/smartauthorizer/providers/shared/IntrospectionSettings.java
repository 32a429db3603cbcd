package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ProviderContext;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * The settings every introspection provider reads, in one place, turned into a pre-filled
 * {@link IntrospectionValidator.Builder}:
 *
 * <table>
 *   <caption>Variables</caption>
 *   <tr><td>{@code AUTHORIZER_INTROSPECTION_AUTH}</td><td>{@code client_secret_basic} (default) or
 *       {@code client_secret_post}</td></tr>
 *   <tr><td>{@code AUTHORIZER_CLIENT_SECRET_ID}</td><td>Secrets Manager secret with the client credentials (see
 *       {@link ClientCredentialsSource})</td></tr>
 *   <tr><td>{@code AUTHORIZER_AUDIENCE}</td><td>comma-separated audiences the answer's {@code aud} must contain one
 *       of; default: the event's data store endpoint</td></tr>
 *   <tr><td>{@code AUTHORIZER_INTROSPECTION_ALLOW_MISSING_AUDIENCE}</td><td>{@code true} accepts an answer without
 *       {@code aud} (one with {@code aud} is still checked); default {@code false}</td></tr>
 *   <tr><td>{@code AUTHORIZER_INTROSPECTION_CACHE_SECONDS}</td><td>0 (off) to 3600; default 30</td></tr>
 *   <tr><td>{@code AUTHORIZER_INTROSPECTION_CACHE_MAX_ENTRIES}</td><td>1 to 1000000; default 10000</td></tr>
 *   <tr><td>{@code AUTHORIZER_CLOCK_SKEW_SECONDS}, {@code AUTHORIZER_MAX_TOKEN_BYTES}</td><td>as for JWTs</td></tr>
 * </table>
 */
public final class IntrospectionSettings {
  /** The largest introspection answer accepted. */
  public static final int MAX_RESPONSE_BYTES = 64 * 1024;

  static final String INTROSPECTION_AUTH = "INTROSPECTION_AUTH";
  static final String AUDIENCE = "AUDIENCE";
  static final String INTROSPECTION_ALLOW_MISSING_AUDIENCE = "INTROSPECTION_ALLOW_MISSING_AUDIENCE";
  static final String INTROSPECTION_CACHE_SECONDS = "INTROSPECTION_CACHE_SECONDS";
  static final String INTROSPECTION_CACHE_MAX_ENTRIES = "INTROSPECTION_CACHE_MAX_ENTRIES";

  /**
   * Every key {@link #configure} reads (without the {@code AUTHORIZER_} prefix), the client credentials'
   * ({@link ClientCredentialsSource#SETTING_NAMES}) included, for a provider's
   * {@link io.github.smartauthorizer.api.spi.AuthorizerProvider#settingNames()}. The endpoint and the issuer, which the
   * provider passes in, are the provider's own. Sorted.
   */
  public static final Set<String> SETTING_NAMES = SettingNames.union(Set.of(INTROSPECTION_AUTH, AUDIENCE,
      INTROSPECTION_ALLOW_MISSING_AUDIENCE, INTROSPECTION_CACHE_SECONDS, INTROSPECTION_CACHE_MAX_ENTRIES),
      TokenSettings.SETTING_NAMES, ClientCredentialsSource.SETTING_NAMES);

  private IntrospectionSettings() {}

  /**
   * A validator builder for an endpoint, with the credentials read now (at init) and every shared setting validated.
   *
   * @param issuer the issuer the answer's {@code iss} must equal when present, or {@code null}
   */
  public static IntrospectionValidator.Builder configure(ProviderContext context, URI endpoint, String issuer) {
    Configuration config = context.configuration();
    String auth = config.choice(INTROSPECTION_AUTH, "client_secret_basic",
        Set.of("client_secret_basic", "client_secret_post"));
    ClientCredentialsSource credentials = ClientCredentialsSource.fromConfiguration(
        config, context.secrets(), context.logger(ClientCredentialsSource.class.getName()), context.clock());
    IntrospectionClient client = new IntrospectionClient(endpoint,
        IntrospectionClient.ClientAuthentication.valueOf(auth.toUpperCase(Locale.ROOT)), credentials,
        new HttpFetcher(context.remoteCallTimeout(), MAX_RESPONSE_BYTES), context.remoteCallTimeout(),
        context.logger(IntrospectionClient.class.getName()));
    IntrospectionCache cache = new IntrospectionCache(
        config.seconds(INTROSPECTION_CACHE_SECONDS, Duration.ofSeconds(30), 0, 3_600),
        (int) config.number(INTROSPECTION_CACHE_MAX_ENTRIES, 10_000, 1, 1_000_000), context.clock());
    return IntrospectionValidator.builder()
        .client(client)
        .cache(cache)
        .issuer(issuer)
        .audiences(config.list(AUDIENCE))
        .acceptMissingAudience(config.flag(INTROSPECTION_ALLOW_MISSING_AUDIENCE, false))
        .clockSkew(TokenSettings.clockSkew(config))
        .maxTokenBytes(TokenSettings.maxTokenBytes(config))
        .clock(context.clock());
  }
}
