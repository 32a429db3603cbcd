package io.github.smartauthorizer.providers.jwks;

import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ProviderContext;
import io.github.smartauthorizer.api.spi.TokenRoute;
import io.github.smartauthorizer.providers.shared.ClaimNormalizer;
import io.github.smartauthorizer.providers.shared.JwtSettings;
import io.github.smartauthorizer.providers.shared.JwtValidator;
import io.github.smartauthorizer.providers.shared.ToolkitWarmUp;
import java.util.Set;

/**
 * Provider {@code jwks}: JWT access tokens of any OpenID Connect issuer, verified locally against its JWKS.
 *
 * <p>{@code AUTHORIZER_ISSUER} (required, exact match) and {@code AUTHORIZER_JWKS_URI} (optional; otherwise from the
 * issuer's discovery document), plus the shared JWT settings of {@link JwtSettings}. Keys are fetched at init.
 *
 * <p>The client and groups are those of RFC 9068 ({@link ClaimNormalizer#OAUTH_CLIENT_AND_GROUPS}): {@code client_id}
 * only, and the {@code groups} and {@code roles} arrays. Tokens that name their client otherwise (Okta's {@code cid},
 * Entra's {@code azp}/{@code appid}) have no client for role mapping.
 */
public final class JwksProvider implements AuthorizerProvider {
  /** The provider name. */
  public static final String NAME = "jwks";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public TokenValidator createValidator(ProviderContext context) {
    Configuration config = context.configuration();
    String issuer = JwtSettings.issuer(config);
    JwtValidator validator = JwtSettings.configure(context, issuer, JwtSettings.location(config, issuer))
        .customizer(ClaimNormalizer.OAUTH_CLIENT_AND_GROUPS)
        .build();
    validator.keys().prefetch();
    return validator;
  }

  /** JWTs of {@code AUTHORIZER_ISSUER}. */
  @Override
  public TokenRoute route(ProviderContext context) {
    return TokenRoute.jwtIssuer(JwtSettings.issuer(context.configuration()));
  }

  /** The shared JWT settings ({@link JwtSettings#SETTING_NAMES}): this provider reads no other. */
  @Override
  public Set<String> settingNames() {
    return JwtSettings.SETTING_NAMES;
  }

  /** The toolkit's warm-up ({@link ToolkitWarmUp#start()}): the HTTP client, its TLS context, the decision path. */
  @Override
  public void warmUp() {
    ToolkitWarmUp.start();
  }
}
