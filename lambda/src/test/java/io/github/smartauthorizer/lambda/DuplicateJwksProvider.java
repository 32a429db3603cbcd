package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.ValidationResult;
import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import io.github.smartauthorizer.api.spi.ProviderContext;

/**
 * A test provider that claims the name {@code jwks}, registered through a temporary {@code META-INF/services} file by
 * {@link ProviderRegistryTest} to prove that two providers with one name are refused. Public with a no-argument
 * constructor, as {@link java.util.ServiceLoader} requires.
 */
public final class DuplicateJwksProvider implements AuthorizerProvider {
  @Override
  public String name() {
    return "jwks";
  }

  @Override
  public TokenValidator createValidator(ProviderContext context) {
    return (token, request) -> ValidationResult.rejected(ReasonCode.BAD_SIGNATURE, "duplicate provider");
  }
}
