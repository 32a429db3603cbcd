package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.json.StrictJson;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Overlaps the slow parts of a cold start (docs/performance.md §2) with the rest of init, on daemon threads started
 * before the configuration is read: what every built-in provider's
 * {@link io.github.smartauthorizer.api.spi.AuthorizerProvider#warmUp()} calls, and what a provider of one's own that
 * uses this toolkit may call too.
 *
 * <p>One thread builds the shared HTTP client ({@link HttpFetcher#warmUpTls()}), which loads the platform's security
 * providers, TLS context and trust store (the longest single step of init); another runs OkHttp's call path against an
 * in-memory response ({@link HttpFetcher#warmUpCallPath()}) and then loads the JDK and JSON code every first decision
 * runs (SHA-256, RSA and EC key factories, big-integer arithmetic, time and number formatting, the strict JSON
 * reader). The host's main thread meanwhile reads the configuration and builds the provider; when it needs what a
 * warm-up thread is loading, the JVM makes it wait for that class initialisation instead of starting it again.
 *
 * <p>Nothing here decides anything or touches a token, a secret or the network, and a failure is ignored: the code
 * that needs what failed meets the same failure where it is handled. Once per JVM, however many providers call it.
 */
public final class ToolkitWarmUp {
  /**
   * The JVM option {@code -D}{@value #SWITCH}{@code =off} turns the warm-up off, for the cold-start harness to
   * measure what it buys; it is not a setting for deployments.
   */
  public static final String SWITCH = "smartauthorizer.initWarmup";

  /** The warm-up of this JVM. */
  private static final ToolkitWarmUp JVM = new ToolkitWarmUp();

  private final AtomicBoolean started = new AtomicBoolean();
  private final CountDownLatch finished = new CountDownLatch(2);

  /** A warm-up of its own (tests); everything else uses the one of the JVM through {@link #start()}. */
  ToolkitWarmUp() {}

  /**
   * Starts the warm-up threads, once per JVM, unless {@value #SWITCH} is {@code off}; returns at once and never throws.
   *
   * @return whether this call started them (false when an earlier call did, or when switched off)
   */
  public static boolean start() {
    try {
      return JVM.start(System.getProperty(SWITCH));
    } catch (RuntimeException | LinkageError e) {
      return false; // see the class comment; a thread that cannot be started is not worth failing init for
    }
  }

  /**
   * Starts the two threads, the first time only.
   *
   * @param switchValue the value of {@value #SWITCH}, or {@code null}
   */
  boolean start(String switchValue) {
    if (!started.compareAndSet(false, true) || "off".equals(switchValue)) {
      return false;
    }
    daemon("authorizer-warmup-tls", HttpFetcher::warmUpTls);
    daemon("authorizer-warmup-path", () -> {
      HttpFetcher.warmUpCallPath();
      loadDecisionPath();
    });
    return true;
  }

  /** Whether both threads of this warm-up have finished within {@code timeout} (tests). */
  boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void daemon(String name, Runnable task) {
    Thread thread = new Thread(() -> {
      try {
        task.run();
      } catch (RuntimeException | LinkageError e) {
        // see the class comment: ignored here, met again where it is handled
      } finally {
        finished.countDown();
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Loads the JDK and JSON code every first decision runs. Never throws. */
  static void loadDecisionPath() {
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
    } catch (GeneralSecurityException | StrictJson.MalformedJsonException | RuntimeException e) {
      // see the class comment
    }
  }
}
