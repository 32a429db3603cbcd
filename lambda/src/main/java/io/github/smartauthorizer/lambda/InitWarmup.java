package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.json.StrictJson;
import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Overlaps the slow parts of a cold start (docs/performance.md §2) with the rest of init, on a daemon thread started
 * before the configuration is read: it asks each provider the configuration names to {@linkplain
 * AuthorizerProvider#warmUp() warm up} (a provider of this project loads its HTTP client, TLS context and trust store,
 * and the JSON and signature code, on threads of its own), the same way for a built-in and a custom provider, and
 * then loads what the handler itself runs on a first decision (SHA-256 for the token fingerprint, the strict JSON
 * reader, time and number formatting). The main thread meanwhile reads the configuration and builds the provider;
 * when it needs what the warm-up is loading, the JVM makes it wait for that class initialisation instead of starting
 * it again.
 *
 * <p>Nothing here decides anything or touches a token, a secret or the network, and a failure is ignored: the code
 * that needs what failed meets the same failure where it is handled. Once per JVM.
 */
final class InitWarmup {
  private static final AtomicBoolean STARTED = new AtomicBoolean();

  /**
   * The JVM option {@code -D}{@value #SWITCH}: {@code off} or {@code on} turn the warm-up off or on whatever the CPU,
   * for the cold-start harness to measure what it buys; it is not a setting for deployments. Unset, the warm-up runs
   * only when the JVM sees at least two processors ({@link #worthIt}).
   */
  static final String SWITCH = "smartauthorizer.initWarmup";

  private InitWarmup() {}

  /** Starts the warm-up of the configured providers and the handler, once per JVM; returns at once. */
  static void start(ProviderRegistry registry, Map<String, String> environment) {
    if (STARTED.compareAndSet(false, true)) {
      startIfWorthIt(configuredProviders(registry, environment), System.getProperty(SWITCH),
          Runtime.getRuntime().availableProcessors());
    }
  }

  /**
   * Starts the warm-up thread for these providers when {@link #worthIt} says so for this switch value and number of
   * processors, without the once-per-JVM guard (tests); returns the thread, or empty when none was started.
   */
  static Optional<Thread> startIfWorthIt(Set<AuthorizerProvider> configured, String switchValue, int processors) {
    return worthIt(switchValue, processors) ? Optional.of(startFor(configured)) : Optional.empty();
  }

  /** Starts the warm-up thread for these providers, without the once-per-JVM guard (tests); returns the thread. */
  static Thread startFor(Set<AuthorizerProvider> configured) {
    Thread thread = new Thread(() -> {
      for (AuthorizerProvider provider : configured) {
        try {
          provider.warmUp();
        } catch (RuntimeException | LinkageError e) {
          // see the class comment: ignored here, met again where it is handled
        }
      }
      loadDecisionPath();
    }, "authorizer-warmup");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /**
   * Whether to warm up on threads of its own: only with at least two processors, unless the switch says otherwise.
   * With one (a Lambda function of up to 1,769 MB has at most one vCPU; at the default 1,024 MB it has 0.58 of one,
   * which the JVM counts as one), a warm-up thread does no work in parallel: it only competes with the main thread for
   * the one CPU the first response waits for.
   */
  static boolean worthIt(String switchValue, int processors) {
    if ("off".equals(switchValue)) {
      return false;
    }
    return "on".equals(switchValue) || processors >= 2;
  }

  /** The providers {@code AUTHORIZER_PROVIDER} or {@code AUTHORIZER_PROVIDERS} name and the registry knows. */
  static Set<AuthorizerProvider> configuredProviders(ProviderRegistry registry, Map<String, String> environment) {
    Set<String> names = new LinkedHashSet<>();
    names.add(environment.getOrDefault(ProviderRegistry.VARIABLE, "").trim().toLowerCase(java.util.Locale.ROOT));
    for (String item : environment.getOrDefault(ProviderInstances.PROVIDERS_VARIABLE, "").split(",")) {
      names.add(ProviderInstances.providerOf(item));
    }
    Set<AuthorizerProvider> providers = new LinkedHashSet<>();
    for (String name : names) {
      if (registry.names().contains(name)) {
        providers.add(registry.named(name));
      }
    }
    return providers;
  }

  private static void loadDecisionPath() {
    try {
      MessageDigest.getInstance("SHA-256").digest(new byte[] {1});
      StrictJson.parseObject("{\"a\":[1,2.5,\"\\u00e9\",true,null]}".getBytes(StandardCharsets.UTF_8), 4);
      Instant.now().toString();
      Double.toString(Math.round(1234.5678) / 100.0);
    } catch (java.security.GeneralSecurityException | StrictJson.MalformedJsonException e) {
      // see the class comment
    }
  }
}
