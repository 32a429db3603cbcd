package io.github.smartauthorizer.providers.introspection;

import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ProviderContext;
import io.github.smartauthorizer.api.spi.TokenRoute;
import io.github.smartauthorizer.providers.shared.ClaimNormalizer;
import io.github.smartauthorizer.providers.shared.IntrospectionSettings;
import io.github.smartauthorizer.providers.shared.IntrospectionValidator;
import io.github.smartauthorizer.providers.shared.SettingNames;
import io.github.smartauthorizer.providers.shared.ToolkitWarmUp;
import java.util.Set;

/**
 * Provider {@code introspection}: any RFC 7662 token introspection server (Okta, Keycloak, Ping, ForgeRock, Ory).
 *
 * <p>{@code AUTHORIZER_INTROSPECTION_URL} (required); optional {@code AUTHORIZER_ISSUER}, checked against the answer's
 * {@code iss} when present; plus the shared settings of {@link IntrospectionSettings}. Credentials are read and the client warmed
 * at init.
 *
 * <p>The client and groups are those of RFC 7662 ({@link ClaimNormalizer#OAUTH_CLIENT_AND_GROUPS}): the answer's
 * {@code client_id} only, and its {@code groups} and {@code roles} arrays.
 */
public final class IntrospectionProvider implements AuthorizerProvider {
  /** The provider name. */
  public static final String NAME = "introspection";

  static final String INTROSPECTION_URL = "INTROSPECTION_URL";
  static final String ISSUER = "ISSUER";
  /** The shared introspection settings and this provider's own. */
  static final Set<String> SETTING_NAMES =
      SettingNames.union(Set.of(INTROSPECTION_URL, ISSUER), IntrospectionSettings.SETTING_NAMES);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public TokenValidator createValidator(ProviderContext context) {
    Configuration config = context.configuration();
    IntrospectionValidator validator = IntrospectionSettings.configure(context,
        config.requiredUrl(INTROSPECTION_URL, "the RFC 7662 introspection endpoint URL"),
        config.optional(ISSUER).orElse(null))
        .customizer(ClaimNormalizer.OAUTH_CLIENT_AND_GROUPS)
        .build();
    validator.prime(context.initTimeout());
    return validator;
  }

  /** Opaque tokens, and JWTs of {@code AUTHORIZER_ISSUER} when it is set. */
  @Override
  public TokenRoute route(ProviderContext context) {
    return TokenRoute.introspection(context.configuration().optional(ISSUER).orElse(null));
  }

  /**
   * {@code INTROSPECTION_URL} and {@code ISSUER}, plus the shared introspection settings
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
}
