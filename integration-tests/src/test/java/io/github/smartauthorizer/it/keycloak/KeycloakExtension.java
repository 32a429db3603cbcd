package io.github.smartauthorizer.it.keycloak;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class the run's one {@link Keycloak}: {@code @ExtendWith(KeycloakExtension.class)}, then a
 * {@code Keycloak} parameter in a test, lifecycle method or constructor (or {@link Keycloak#shared()}).
 *
 * <p>Keycloak starts before the first such class and runs until the end of the run (not per class): it is stopped
 * when JUnit closes the root store, and by a JVM shutdown hook otherwise. If a test stopped it, it is started again
 * before the next class.
 */
public final class KeycloakExtension implements BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KeycloakExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    // Registered before the start, so that a start that fails half-way is cleaned up too.
    context.getRoot().getStore(NAMESPACE)
        .computeIfAbsent(StopAtEndOfRun.class, key -> new StopAtEndOfRun(), StopAtEndOfRun.class);
    Keycloak.shared().ensureRunning();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Keycloak.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return Keycloak.shared().ensureRunning();
  }

  /**
   * Closed by JUnit with the root store at the end of the run. {@code AutoCloseable} is what JUnit 5.13+ closes; the
   * older {@code ExtensionContext.Store.CloseableResource} is deprecated in the JUnit 6 this project uses.
   */
  private static final class StopAtEndOfRun implements AutoCloseable {
    @Override
    public void close() {
      Keycloak.shared().stopQuietly();
    }
  }
}
