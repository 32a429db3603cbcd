package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.ValidationResult;
import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import io.github.smartauthorizer.api.spi.ProviderContext;

/**
 * A test provider named {@code named-test} whose validator refuses every token with {@code INVALID_TOKEN_TYPE}, so a
 * test can tell that it was the one chosen. Public with a no-argument constructor, as {@link java.util.ServiceLoader}
 * requires.
 */
public final class NamedTestProvider implements AuthorizerProvider {
  @Override
  public String name() {
    return "named-test";
  }

  @Override
  public TokenValidator createValidator(ProviderContext context) {
    return (token, request) -> ValidationResult.rejected(ReasonCode.INVALID_TOKEN_TYPE, "named-test refuses all");
  }
}
