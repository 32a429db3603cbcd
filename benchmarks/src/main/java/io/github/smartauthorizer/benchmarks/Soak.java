package io.github.smartauthorizer.benchmarks;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import io.github.smartauthorizer.api.spi.ProviderContext;
import io.github.smartauthorizer.api.spi.TokenRoute;
import io.github.smartauthorizer.lambda.Authorizer;
import io.github.smartauthorizer.lambda.Decision;
import io.github.smartauthorizer.providers.introspection.IntrospectionProvider;
import io.github.smartauthorizer.providers.jwks.JwksProvider;
import io.github.smartauthorizer.providers.shared.IntrospectionValidator;
import io.github.smartauthorizer.providers.shared.JwtValidator;
import io.github.smartauthorizer.providers.shared.TestKeys;
import io.github.smartauthorizer.providers.shared.TestTokens;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The memory soak run: a million decisions (by default) through {@link Authorizer#decide} and the response JSON (the
 * handler minus the log line), mixing valid RS256 and ES256 tokens, invalid ones (not a JWT, expired, tampered, another
 * audience), tokens of unknown {@code kid}s and, through a second authorizer of provider {@code introspection}, opaque tokens from a pool three times the size of its result
 * cache. At every checkpoint: the heap after a full GC, the key cache and the introspection cache against their limits,
 * the JWKS fetches and introspection calls, and the process's RSS. Exits 1 when a cache exceeds its limit, an outcome
 * is not the expected one, or the heap after GC at the end is more than 1.5 times (plus 8 MB) that at the first
 * checkpoint.
 *
 * <pre>
 * java -Xmx256m -XX:+UseSerialGC -cp benchmarks/target/benchmarks.jar \
 *     io.github.smartauthorizer.benchmarks.Soak [decisions]
 * </pre>
 */
public final class Soak {
  static final int INTROSPECTION_CACHE_MAX_ENTRIES = 1_000;
  static final int OPAQUE_POOL = 3 * INTROSPECTION_CACHE_MAX_ENTRIES;

  private Soak() {}

  /** Delegates to a built-in provider and keeps the validator it made, to read its caches (public SPI only). */
  private static final class Observed implements AuthorizerProvider {
    private final AuthorizerProvider delegate;
    private TokenValidator validator;

    Observed(AuthorizerProvider delegate) {
      this.delegate = delegate;
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public TokenValidator createValidator(ProviderContext context) {
      validator = delegate.createValidator(context);
      return validator;
    }

    @Override
    public TokenRoute route(ProviderContext context) {
      return delegate.route(context);
    }
  }

  public static void main(String[] args) throws IOException {
    long decisions = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    System.exit(run(decisions, Math.max(1, decisions / 10)) ? 0 : 1);
  }

  /** Runs the soak; prints a Markdown table; returns whether every check passed. */
  static boolean run(long decisions, long every) throws IOException {
    try (LoopbackIssuer issuer = LoopbackIssuer.start()) {
      Observed jwksProvider = new Observed(new JwksProvider());
      Observed introspectionProvider = new Observed(new IntrospectionProvider());
      Map<String, String> jwksEnv = new HashMap<>(issuer.environment("jwks"));
      jwksEnv.put("AUTHORIZER_METRICS", "on");
      Authorizer jwks = Authorizer.builder().environment(jwksEnv).providers(List.of(jwksProvider))
          .logStream(Sinks.NULL).metricsStream(Sinks.NULL).build();
      Map<String, String> introspectionEnv = new HashMap<>(issuer.environment("introspection"));
      introspectionEnv.put("AUTHORIZER_METRICS", "on");
      introspectionEnv.put("AUTHORIZER_INTROSPECTION_CACHE_SECONDS", "3600");
      introspectionEnv.put("AUTHORIZER_INTROSPECTION_CACHE_MAX_ENTRIES",
          String.valueOf(INTROSPECTION_CACHE_MAX_ENTRIES));
      Authorizer introspection = Authorizer.builder().environment(introspectionEnv)
          .providers(List.of(introspectionProvider)).logStream(Sinks.NULL).metricsStream(Sinks.NULL).build();
      JwtValidator jwtValidator = (JwtValidator) jwksProvider.validator;
      IntrospectionValidator introspectionValidator = (IntrospectionValidator) introspectionProvider.validator;

      List<Kind> kinds = kinds(issuer);
      SplittableRandom random = new SplittableRandom(42);
      Map<ReasonCode, Long> mismatches = new EnumMap<>(ReasonCode.class);
      long allowed = 0;
      long start = System.nanoTime();
      List<Double> heapAtCheckpoints = new ArrayList<>();
      boolean ok = true;
      System.out.printf(Locale.ROOT, "soak: %d decisions; mix: %s; introspection cache max %d entries, %d distinct "
          + "opaque tokens; max heap %d MB; load average %s%n%n", decisions, describe(kinds),
          INTROSPECTION_CACHE_MAX_ENTRIES, OPAQUE_POOL, Runtime.getRuntime().maxMemory() >> 20,
          ColdStart.loadAverage());
      System.out.println("| decisions | seconds | heap after GC (MB) | JWKS keys cached | JWKS fetches "
          + "| introspection cache entries (max " + INTROSPECTION_CACHE_MAX_ENTRIES + ") | introspection calls "
          + "| RSS (MB) | peak RSS (MB) |");
      System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
      for (long i = 1; i <= decisions; i++) {
        Kind kind = pick(kinds, random);
        byte[] event = kind.events.get(random.nextInt(kind.events.size()));
        Authorizer authorizer = kind.introspection ? introspection : jwks;
        Decision decision = authorizer.decide(event);
        decision.responseJson();
        if (decision.reason() != kind.expected) {
          mismatches.merge(decision.reason() == null ? ReasonCode.INTERNAL_ERROR : decision.reason(), 1L, Long::sum);
        } else if (decision.authorized()) {
          allowed++;
        }
        if (i % every == 0 || i == decisions) {
          double heap = heapAfterGc();
          heapAtCheckpoints.add(heap);
          int keys = jwtValidator.keys().size();
          int entries = introspectionValidator.cache().size();
          ok &= keys <= 2 && entries <= INTROSPECTION_CACHE_MAX_ENTRIES;
          System.out.printf(Locale.ROOT, "| %d | %.0f | %.1f | %d | %d | %d | %d | %d | %d |%n", i,
              (System.nanoTime() - start) / 1e9, heap, keys, jwtValidator.keys().fetchCount(), entries,
              issuer.requests("/introspect"), status("VmRSS") >> 10, status("VmHWM") >> 10);
        }
      }
      double first = heapAtCheckpoints.get(0);
      double last = heapAtCheckpoints.get(heapAtCheckpoints.size() - 1);
      boolean bounded = last <= first * 1.5 + 8;
      ok &= bounded && mismatches.isEmpty();
      System.out.printf(Locale.ROOT, "%nallowed %d; unexpected outcomes %s; heap after GC %.1f MB at the first "
          + "checkpoint, %.1f MB at the end (%s); peak RSS %d MB; %s%n", allowed, mismatches, first, last,
          bounded ? "bounded" : "GROWING", status("VmHWM") >> 10, ok ? "PASS" : "FAIL");
      return ok;
    }
  }

  /** One kind of request: its events (a pool), its expected reason ({@code null}: allowed) and its weight. */
  private record Kind(String name, List<byte[]> events, ReasonCode expected, int weight, boolean introspection) {}

  private static List<Kind> kinds(LoopbackIssuer issuer) {
    long day = 24 * 3600;
    List<Kind> kinds = new ArrayList<>();
    kinds.add(new Kind("valid RS256", pool(200, () -> issuer.token("RS256", day)), null, 45, false));
    kinds.add(new Kind("valid ES256", pool(50, () -> issuer.token("ES256", day)), null, 10, false));
    kinds.add(new Kind("not a JWT", pool(20, () -> "garbage-" + System.nanoTime()), ReasonCode.MALFORMED_TOKEN, 5,
        false));
    kinds.add(new Kind("expired", pool(20, () -> issuer.token("RS256", -600)), ReasonCode.EXPIRED, 5, false));
    kinds.add(new Kind("tampered", pool(20, () -> tamper(issuer.token("RS256", day))), ReasonCode.BAD_SIGNATURE, 5,
        false));
    kinds.add(new Kind("other audience", pool(20, () -> issuer.token("RS256",
        issuer.claims(issuer.issuer(), List.of("https://elsewhere.example/"), day))), ReasonCode.INVALID_AUDIENCE, 5,
        false));
    KeyPair rotated = TestKeys.rsa();
    kinds.add(new Kind("unknown kid", pool(50, () -> TestTokens.rs256("unknown-" + System.nanoTime(), rotated)
        .sign(issuer.claims(issuer.issuer(), List.of(LoopbackIssuer.ENDPOINT), day))), ReasonCode.UNKNOWN_KID, 15,
        false));
    kinds.add(new Kind("introspection (opaque)", pool(OPAQUE_POOL, () -> issuer.opaqueToken(day)), null, 10, true));
    return kinds;
  }

  private static String tamper(String token) {
    String[] parts = token.split("\\.");
    char last = parts[2].charAt(5);
    parts[2] = parts[2].substring(0, 5) + (last == 'A' ? 'B' : 'A') + parts[2].substring(6);
    return String.join(".", parts);
  }

  private static List<byte[]> pool(int size, Supplier<String> tokens) {
    List<byte[]> events = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      events.add(LoopbackIssuer.event(tokens.get()));
    }
    return events;
  }

  private static Kind pick(List<Kind> kinds, SplittableRandom random) {
    int total = kinds.stream().mapToInt(Kind::weight).sum();
    int r = random.nextInt(total);
    for (Kind kind : kinds) {
      r -= kind.weight;
      if (r < 0) {
        return kind;
      }
    }
    throw new IllegalStateException();
  }

  private static String describe(List<Kind> kinds) {
    int total = kinds.stream().mapToInt(Kind::weight).sum();
    List<String> parts = new ArrayList<>();
    for (Kind kind : kinds) {
      parts.add(String.format(Locale.ROOT, "%s %d%%", kind.name, 100 * kind.weight / total));
    }
    return String.join(", ", parts);
  }

  private static double heapAfterGc() {
    System.gc();
    System.gc();
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return heap.getUsed() / 1e6;
  }

  /** A value in kB from /proc/self/status. */
  private static long status(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
