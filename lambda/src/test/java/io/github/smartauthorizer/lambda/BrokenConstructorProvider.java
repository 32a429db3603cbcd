package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import io.github.smartauthorizer.api.spi.ProviderContext;

/** A test provider whose constructor fails, as in a broken provider jar; registered only by {@link ProviderRegistryTest}. */
public final class BrokenConstructorProvider implements AuthorizerProvider {
  public BrokenConstructorProvider() {
    throw new IllegalStateException("broken provider");
  }

  @Override
  public String name() {
    return "broken";
  }

  @Override
  public TokenValidator createValidator(ProviderContext context) {
    throw new UnsupportedOperationException();
  }
}
