package io.github.smartauthorizer.benchmarks;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.lambda.Authorizer;
import io.github.smartauthorizer.lambda.Decision;
import io.github.smartauthorizer.providers.shared.TestTokens;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The other warm paths through {@link Authorizer#handle}:
 *
 * <ul>
 *   <li>{@code introspectionCacheHit}: provider {@code introspection}, an opaque token whose active answer is cached
 *       (no network I/O; the cache lifetime is raised to an hour so that the whole run hits);
 *   <li>{@code denyGarbage}: provider {@code jwks}, a bearer token that is not a JWT (denied {@code MALFORMED_TOKEN}
 *       by the front door);
 *   <li>{@code denyUnknownKid}: provider {@code jwks}, a well-formed RS256 token signed by a key the JWKS does not
 *       hold (denied {@code UNKNOWN_KID}; the at most one refetch per 30 s is part of the measurement).
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class OtherPathsBenchmark {
  private LoopbackIssuer issuer;
  private Authorizer jwks;
  private Authorizer introspection;
  private byte[] opaqueEvent;
  private byte[] garbageEvent;
  private byte[] unknownKidEvent;

  @Setup(Level.Trial)
  public void setUp() {
    issuer = LoopbackIssuer.start();
    jwks = Sinks.authorizer(issuer, "jwks", false);
    introspection = Sinks.authorizer(issuer, "introspection", false,
        "AUTHORIZER_INTROSPECTION_CACHE_SECONDS", "3600");
    opaqueEvent = LoopbackIssuer.event(issuer.opaqueToken(24 * 3600));
    garbageEvent = LoopbackIssuer.event("this-is-not-a-token");
    unknownKidEvent = LoopbackIssuer.event(TestTokens.rs256("rotated-away")
        .sign(issuer.claims(issuer.issuer(), List.of(LoopbackIssuer.ENDPOINT), 24 * 3600)));
    long calls = issuer.requests("/introspect");
    expect(introspection.decide(opaqueEvent), null);
    expect(introspection.decide(opaqueEvent), null);
    if (issuer.requests("/introspect") != calls + 1) {
      throw new IllegalStateException("the introspection cache does not hit");
    }
    expect(jwks.decide(garbageEvent), ReasonCode.MALFORMED_TOKEN);
    expect(jwks.decide(unknownKidEvent), ReasonCode.UNKNOWN_KID);
  }

  private static void expect(Decision decision, ReasonCode reason) {
    if (decision.reason() != reason) {
      throw new IllegalStateException("expected " + reason + ", got " + decision.reason() + " " + decision.detail());
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    issuer.close();
  }

  @Benchmark
  public byte[] introspectionCacheHit() {
    return introspection.handle(opaqueEvent, "bench-request");
  }

  @Benchmark
  public byte[] denyGarbage() {
    return jwks.handle(garbageEvent, "bench-request");
  }

  @Benchmark
  public byte[] denyUnknownKid() {
    return jwks.handle(unknownKidEvent, "bench-request");
  }
}
