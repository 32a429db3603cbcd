package io.github.smartauthorizer.benchmarks;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import io.github.smartauthorizer.lambda.Authorizer;
import io.github.smartauthorizer.lambda.Decision;
import io.github.smartauthorizer.providers.shared.Base64Url;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The warm decision of a valid JWT with cached keys, through the entry point the Lambda handler calls
 * ({@link Authorizer#handle}: event bytes in, response bytes out, the decision log line formatted), beside the floor:
 * java-jwt verifying the same token (decode, signature, time claims), and the bare JDK signature check.
 *
 * <ul>
 *   <li>{@code handler}: {@link Authorizer#handle} with metrics off (the command-line tool's default);
 *   <li>{@code handlerLambda}: the same with the CloudWatch EMF metric line as well (Lambda's default);
 *   <li>{@code decide}: {@link Authorizer#decide} alone: no response JSON, no log line;
 *   <li>{@code floorJavaJwt}: {@code JWT.require(alg).build().verify(token)}, the verifier built once;
 *   <li>{@code floorJdkSignature}: {@link Signature#verify} over the signing input, nothing else.
 * </ul>
 *
 * The log and metric lines are formatted in full and written to a discarding stream: the cost of CloudWatch's
 * capture of standard error is outside the function and not measured.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JwtDecisionBenchmark {
  @Param({"RS256", "ES256"})
  public String alg;

  private LoopbackIssuer issuer;
  private Authorizer quiet;
  private Authorizer lambda;
  private byte[] event;
  private String token;
  private JWTVerifier javaJwt;
  private PublicKey publicKey;
  private String jdkAlgorithm;
  private byte[] signingInput;
  private byte[] signature;

  @Setup(Level.Trial)
  public void setUp() throws GeneralSecurityException {
    issuer = LoopbackIssuer.start();
    quiet = Sinks.authorizer(issuer, "jwks", false);
    lambda = Sinks.authorizer(issuer, "jwks", true);
    token = issuer.token(alg, 24 * 3600);
    event = LoopbackIssuer.event(token);
    publicKey = issuer.signer(alg).publicKey();
    Algorithm algorithm = alg.equals("RS256") ? Algorithm.RSA256((RSAPublicKey) publicKey, null)
        : Algorithm.ECDSA256((ECPublicKey) publicKey, null);
    javaJwt = JWT.require(algorithm).withIssuer(issuer.issuer()).build();
    jdkAlgorithm = alg.equals("RS256") ? "SHA256withRSA" : "SHA256withECDSAinP1363Format";
    int lastDot = token.lastIndexOf('.');
    signingInput = token.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII);
    signature = Base64Url.decode(token.substring(lastDot + 1));
    check();
  }

  /** Refuses to measure anything but the allow path with cached keys. */
  private void check() throws GeneralSecurityException {
    Decision decision = quiet.decide(event);
    if (!decision.authorized() || !lambda.decide(event).authorized()) {
      throw new IllegalStateException("the benchmark token is not authorized: " + decision.reason() + " "
          + decision.detail());
    }
    javaJwt.verify(token);
    if (!floorJdkSignature()) {
      throw new IllegalStateException("the JDK does not verify the benchmark token");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    issuer.close();
  }

  @Benchmark
  public byte[] handler() {
    return quiet.handle(event, "bench-request");
  }

  @Benchmark
  public byte[] handlerLambda() {
    return lambda.handle(event, "bench-request");
  }

  @Benchmark
  public Decision decide() {
    return quiet.decide(event);
  }

  @Benchmark
  public DecodedJWT floorJavaJwt() {
    return javaJwt.verify(token);
  }

  @Benchmark
  public boolean floorJdkSignature() throws GeneralSecurityException {
    Signature verifier = Signature.getInstance(jdkAlgorithm);
    verifier.initVerify(publicKey);
    verifier.update(signingInput);
    return verifier.verify(signature);
  }
}
