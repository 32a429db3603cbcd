package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The providers on the class path, found with {@link ServiceLoader} and chosen by name, never by class-path order. Two
 * providers with one name are a configuration error naming both classes and their jars.
 */
final class ProviderRegistry {
  static final String VARIABLE = "AUTHORIZER_PROVIDER";

  private final Map<String, AuthorizerProvider> byName;

  private ProviderRegistry(Map<String, AuthorizerProvider> byName) {
    this.byName = Collections.unmodifiableMap(byName);
  }

  /** The providers registered in {@code META-INF/services} of the given class loader. */
  static ProviderRegistry load(ClassLoader loader) {
    try {
      return of(ServiceLoader.load(AuthorizerProvider.class, loader).stream().map(ServiceLoader.Provider::get).toList());
    } catch (ServiceConfigurationError e) {
      throw new ConfigurationException(VARIABLE, "cannot be resolved: a provider jar is broken (" + e.getMessage() + ")");
    }
  }

  /** A registry of explicitly given providers (tests, embedding). */
  static ProviderRegistry of(List<AuthorizerProvider> providers) {
    Map<String, AuthorizerProvider> byName = new TreeMap<>();
    for (AuthorizerProvider provider : providers) {
      AuthorizerProvider previous = byName.putIfAbsent(provider.name(), provider);
      if (previous != null) {
        throw new ConfigurationException(VARIABLE, "is ambiguous: two providers are named '" + provider.name() + "': "
            + describe(previous) + " and " + describe(provider));
      }
    }
    return new ProviderRegistry(byName);
  }

  /** The provider with this name. */
  AuthorizerProvider named(String name) {
    AuthorizerProvider provider = byName.get(name);
    if (provider == null) {
      throw new ConfigurationException(VARIABLE, "expects one of the providers found on the class path "
          + byName.keySet() + ", got '" + name + "'");
    }
    return provider;
  }

  java.util.Set<String> names() {
    return byName.keySet();
  }

  /** Every provider found. */
  java.util.Collection<AuthorizerProvider> all() {
    return byName.values();
  }

  private static String describe(AuthorizerProvider provider) {
    var source = provider.getClass().getProtectionDomain().getCodeSource();
    return provider.getClass().getName() + (source == null ? "" : " (" + source.getLocation() + ")");
  }
}
