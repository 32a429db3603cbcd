package io.github.smartauthorizer.providers.introspection;

import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.api.spi.ProviderContext;
import io.github.smartauthorizer.api.spi.TokenRoute;
import io.github.smartauthorizer.providers.shared.ClaimNormalizer;
import io.github.smartauthorizer.providers.shared.IntrospectionSettings;
import io.github.smartauthorizer.providers.shared.IntrospectionValidator;
import io.github.smartauthorizer.providers.shared.SettingNames;
import io.github.smartauthorizer.providers.shared.ToolkitWarmUp;
import java.net.URI;
import java.util.Set;

/**
 * Provider {@code okta}: Okta's introspection endpoint, the only way to check access tokens of Okta's org
 * authorization server and a way to see revocations for custom ones.
 *
 * <p>{@code AUTHORIZER_ISSUER} is the authorization server: {@code https://{org}.okta.com/oauth2/default} (a custom
 * server; introspection at issuer + {@code /v1/introspect}) or {@code https://{org}.okta.com} (the org server;
 * introspection at {@code /oauth2/v1/introspect}). {@code AUTHORIZER_INTROSPECTION_URL} overrides the derived URL.
 * Okta's {@code scp} arrays become the {@code scope} string through the shared normalization.
 *
 * <p>The client is the answer's {@code client_id} (RFC 7662 §2.2; Okta's answers carry it), never the {@code cid} of
 * Okta's JWT access tokens; the groups are the answer's {@code groups} and {@code roles} arrays (a {@code groups}
 * claim added to the authorization server's access tokens). See {@link ClaimNormalizer#OAUTH_CLIENT_AND_GROUPS}.
 */
public final class OktaProvider implements AuthorizerProvider {
  /** The provider name. */
  public static final String NAME = "okta";

  static final String ISSUER = "ISSUER";
  static final String INTROSPECTION_URL = "INTROSPECTION_URL";
  /** The shared introspection settings and this provider's own. */
  static final Set<String> SETTING_NAMES =
      SettingNames.union(Set.of(ISSUER, INTROSPECTION_URL), IntrospectionSettings.SETTING_NAMES);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public TokenValidator createValidator(ProviderContext context) {
    Configuration config = context.configuration();
    URI issuer = config.requiredUrl(ISSUER,
        "the Okta authorization server, e.g. https://example.okta.com/oauth2/default");
    if (!"https".equals(issuer.getScheme()) && !"localhost".equals(issuer.getHost())
        && !"127.0.0.1".equals(issuer.getHost())) {
      throw new ConfigurationException(config.variable(ISSUER), "expects an https URL for Okta, got '" + issuer + "'");
    }
    URI endpoint = config.url(INTROSPECTION_URL).orElseGet(() -> introspectionUrl(issuer));
    IntrospectionValidator validator =
        IntrospectionSettings.configure(context, endpoint, config.required(ISSUER, ""))
            .customizer(ClaimNormalizer.OAUTH_CLIENT_AND_GROUPS)
            .build();
    validator.prime(context.initTimeout());
    return validator;
  }

  /** Opaque tokens, and JWTs (custom authorization servers issue JWTs) of {@code AUTHORIZER_ISSUER}. */
  @Override
  public TokenRoute route(ProviderContext context) {
    return TokenRoute.introspection(context.configuration().required(ISSUER,
        "the Okta authorization server, e.g. https://example.okta.com/oauth2/default"));
  }

  /**
   * {@code ISSUER} and {@code INTROSPECTION_URL}, plus the shared introspection settings
   * ({@link IntrospectionSettings#SETTING_NAMES}, the client credentials included).
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

  /** Okta's introspection endpoint for an authorization server. */
  static URI introspectionUrl(URI issuer) {
    String base = issuer.toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    String path = issuer.getPath() == null ? "" : issuer.getPath();
    boolean orgServer = path.isEmpty() || path.equals("/");
    return URI.create(orgServer ? base + "/oauth2/v1/introspect" : base + "/v1/introspect");
  }
}
