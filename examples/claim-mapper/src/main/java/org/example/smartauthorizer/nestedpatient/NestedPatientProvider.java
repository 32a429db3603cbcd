package org.example.smartauthorizer.nestedpatient;

import io.github.smartauthorizer.api.ClaimMapper;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import io.github.smartauthorizer.api.spi.ProviderContext;
import io.github.smartauthorizer.api.spi.TokenRoute;
import io.github.smartauthorizer.providers.jwks.JwksProvider;
import java.util.Set;

/**
 * Provider {@code nested-patient-jwks}: the built-in {@code jwks} provider, for an IdP that puts the patient id in a
 * nested claim, {@code {"context": {"patient": "123"}}}. An example of a provider that changes only the claim mapping:
 * it validates, routes, reads its settings and warms up exactly as {@link JwksProvider} does, and wraps the standard
 * mapper in a {@link NestedPatientMapper}. Its settings are those of {@code jwks}; select it with
 * {@code AUTHORIZER_PROVIDER=nested-patient-jwks}.
 */
public final class NestedPatientProvider implements AuthorizerProvider {
  /** The provider name. */
  public static final String NAME = "nested-patient-jwks";

  private final JwksProvider jwks = new JwksProvider();

  /** Needed by {@link java.util.ServiceLoader}; does nothing. */
  public NestedPatientProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public TokenValidator createValidator(ProviderContext context) {
    return jwks.createValidator(context);
  }

  /** The standard mapping, with the patient from {@code context.patient}. */
  @Override
  public ClaimMapper createClaimMapper(ProviderContext context, ClaimMapper standard) {
    return new NestedPatientMapper(jwks.createClaimMapper(context, standard));
  }

  @Override
  public TokenRoute route(ProviderContext context) {
    return jwks.route(context);
  }

  @Override
  public Set<String> settingNames() {
    return jwks.settingNames();
  }

  @Override
  public void warmUp() {
    jwks.warmUp();
  }
}
