package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.json.StrictJson;
import io.github.smartauthorizer.providers.cognito.CognitoProvider;
import io.github.smartauthorizer.providers.introspection.IntrospectionProvider;
import io.github.smartauthorizer.providers.introspection.OktaProvider;
import io.github.smartauthorizer.providers.jwks.JwksProvider;
import io.github.smartauthorizer.providers.keycloak.KeycloakProvider;
import io.github.smartauthorizer.providers.shared.Base64Url;
import io.github.smartauthorizer.providers.shared.HttpFetcher;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Overlaps the slow parts of a cold start (docs/performance.md §2) with the rest of init, on daemon threads started
 * before the configuration is read. With a provider of this project, one thread builds the shared HTTP client, which
 * loads the platform's security providers, TLS context and trust store (the longest single step of init), and another
 * runs OkHttp's call path against an in-memory response ({@link HttpFetcher#warmUpCallPath()}) and then loads the JDK
 * and JSON code every first decision runs (SHA-256, RSA and EC key factories, big-integer arithmetic, time and number
 * formatting, the strict JSON reader). The main thread meanwhile reads the configuration and builds the provider;
 * when it needs what a warm-up thread is loading, the JVM makes it wait for that class initialisation instead of
 * starting it again.
 *
 * <p>Nothing here decides anything or touches a token, a secret or the network, and a failure is ignored: the
 * code that needs what failed meets the same failure where it is handled. Once per JVM.
 */
final class InitWarmup {
  /** Providers of this project, all of which fetch keys or introspect over the shared HTTP client. */
  private static final Set<String> HTTP_PROVIDERS = Set.of(JwksProvider.NAME, IntrospectionProvider.NAME,
      OktaProvider.NAME, KeycloakProvider.NAME, CognitoProvider.NAME);
  private static final AtomicBoolean STARTED = new AtomicBoolean();

  private InitWarmup() {}

  /**
   * The JVM option {@code -D}{@value #SWITCH}{@code =off} turns the warm-up off, for the cold-start harness to
   * measure what it buys; it is not a setting for deployments.
   */
  static final String SWITCH = "smartauthorizer.initWarmup";

  /** Starts the warm-up threads, once per JVM; returns at once. */
  static void start(Map<String, String> environment) {
    if (!STARTED.compareAndSet(false, true) || "off".equals(System.getProperty(SWITCH))) {
      return;
    }
    if (usesSharedHttpClient(environment)) {
      daemon("authorizer-warmup-tls", HttpFetcher::warmUpTls);
      daemon("authorizer-warmup-path", () -> {
        HttpFetcher.warmUpCallPath();
        loadDecisionPath();
      });
    } else {
      daemon("authorizer-warmup-path", InitWarmup::loadDecisionPath);
    }
  }

  /** Whether a configured provider is one of ours (all of which fetch keys or introspect over HTTP). */
  static boolean usesSharedHttpClient(Map<String, String> environment) {
    String single = environment.getOrDefault(ProviderRegistry.VARIABLE, "");
    if (HTTP_PROVIDERS.contains(single.trim().toLowerCase(Locale.ROOT))) {
      return true;
    }
    for (String item : environment.getOrDefault(ProviderInstances.PROVIDERS_VARIABLE, "").split(",")) {
      if (HTTP_PROVIDERS.contains(ProviderInstances.providerOf(item))) {
        return true;
      }
    }
    return false;
  }

  private static void daemon(String name, Runnable task) {
    Thread thread = new Thread(() -> {
      try {
        task.run();
      } catch (RuntimeException | LinkageError e) {
        // see the class comment: ignored here, met again where it is handled
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
  }

  private static void loadDecisionPath() {
    try {
      MessageDigest.getInstance("SHA-256").digest(new byte[] {1});
      KeyFactory.getInstance("RSA");
      KeyFactory.getInstance("EC");
      Signature.getInstance("SHA256withECDSA");
      BigInteger.valueOf(3).modPow(BigInteger.valueOf(65537), BigInteger.valueOf(1_000_003));
      StrictJson.parseObject(Base64Url.decode("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IngifQ"), 4);
      StrictJson.parseObject("{\"a\":[1,2.5,\"\\u00e9\",true,null]}".getBytes(StandardCharsets.UTF_8), 4);
      Instant.now().toString();
      Double.toString(Math.round(1234.5678) / 100.0);
    } catch (java.security.GeneralSecurityException | StrictJson.MalformedJsonException e) {
      // see the class comment
    }
  }
}
