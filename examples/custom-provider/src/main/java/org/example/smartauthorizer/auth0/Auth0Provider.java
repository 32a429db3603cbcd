package org.example.smartauthorizer.auth0;

import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import io.github.smartauthorizer.api.spi.ProviderContext;

/**
 * Provider {@code auth0}: access tokens of one Auth0 tenant, verified locally (Auth0 has no introspection endpoint).
 * An example of a provider in its own jar: it compiles against {@code smart-authorizer-api} alone and registers in
 * {@code META-INF/services/io.github.smartauthorizer.api.spi.AuthorizerProvider}; the deployment jar finds it on the
 * class path (a Lambda layer's {@code java/lib}) when {@code AUTHORIZER_PROVIDER=auth0}.
 *
 * <p>Settings: {@link Auth0Settings}. Keys are fetched at init, within the init timeout; the standard claim mapper
 * then fills the HealthLake payload ({@code fhirUser} and {@code patient} from the claims named by
 * {@code AUTHORIZER_FHIR_USER_CLAIM} / {@code AUTHORIZER_PATIENT_CLAIM}, e.g. a post-login Action's
 * {@code launch_response_patient}).
 */
public final class Auth0Provider implements AuthorizerProvider {
  /** The provider name. */
  public static final String NAME = "auth0";

  /** Needed by {@link java.util.ServiceLoader}; does nothing. */
  public Auth0Provider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public TokenValidator createValidator(ProviderContext context) {
    Auth0Settings settings = Auth0Settings.from(context.configuration());
    // The connect timeout is the request budget, also at init: a TCP connect needs far less.
    Auth0Keys keys = new Auth0Keys(settings.jwksUri(), context.remoteCallTimeout(), context.remoteCallTimeout(),
        context.clock(), context.logger(Auth0Keys.class.getName()));
    keys.prefetch(context.initTimeout());
    return new Auth0Validator(settings, keys, context.clock());
  }
}
