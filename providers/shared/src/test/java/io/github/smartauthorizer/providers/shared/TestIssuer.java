package io.github.smartauthorizer.providers.shared;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.KeyProvider;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import okhttp3.mockwebserver.RecordedRequest;

/**
 * A real embedded OAuth 2.0 / OIDC issuer (nav's {@link MockOAuth2Server}) on loopback, issuing tokens at the time of a
 * test {@link Clock} and signing with a key the test chooses, so that the test can also sign tokens of its own with the
 * same key ({@link TestTokens}). Shared with other modules through the test-jar.
 */
public final class TestIssuer implements AutoCloseable {
  /** The issuer id: the last path segment of the issuer URL and of its endpoints. */
  public static final String ISSUER_ID = "issuer1";

  private final MockOAuth2Server server;
  private final JWK signingKey;

  private TestIssuer(MockOAuth2Server server, JWK signingKey) {
    this.server = server;
    this.signingKey = signingKey;
  }

  /** Starts an issuer on a free loopback port that signs RS256 with this key pair and {@code kid}. */
  public static TestIssuer startRs256(Clock clock, KeyPair keyPair, String kid) {
    return start(clock, rsaJwk(keyPair, kid), "RS256", 0);
  }

  /** Starts an issuer on this loopback port (0 for any) that signs RS256 with this key pair and {@code kid}. */
  public static TestIssuer startRs256(Clock clock, KeyPair keyPair, String kid, int port) {
    return start(clock, rsaJwk(keyPair, kid), "RS256", port);
  }

  /** Starts an issuer on a free loopback port that signs ES256 with this P-256 key pair and {@code kid}. */
  public static TestIssuer startEs256(Clock clock, KeyPair keyPair, String kid) {
    JWK jwk = new ECKey.Builder(Curve.P_256, (ECPublicKey) keyPair.getPublic())
        .privateKey((ECPrivateKey) keyPair.getPrivate())
        .keyID(kid)
        .keyUse(KeyUse.SIGNATURE)
        .algorithm(JWSAlgorithm.ES256)
        .build();
    return start(clock, jwk, "ES256", 0);
  }

  /**
   * Starts an issuer with the mock server's own key handling: a key generated for the algorithm, whose {@code kid} is
   * the issuer id ({@value #ISSUER_ID}).
   */
  public static TestIssuer startGenerated(Clock clock, String algorithm, int port) {
    return start(() -> new OAuth2TokenProvider(new KeyProvider(List.of(), algorithm), clock::instant), null, port);
  }

  private static TestIssuer start(Clock clock, JWK jwk, String algorithm, int port) {
    return start(() -> new OAuth2TokenProvider(new FixedKeyProvider(jwk, algorithm), clock::instant), jwk, port);
  }

  /**
   * Starts on an explicit port even when any port will do: MockWebServer sets {@code SO_REUSEADDR} only for an
   * explicit port, and without it a new issuer cannot bind the port of a stopped one while its old connections
   * linger.
   */
  private static TestIssuer start(Supplier<OAuth2TokenProvider> tokens, JWK jwk, int port) {
    for (int attempt = 1; ; attempt++) {
      int chosen = port != 0 ? port : freeLoopbackPort();
      MockOAuth2Server server = new MockOAuth2Server(new OAuth2Config(false, null, null, false, tokens.get()));
      try {
        server.start(InetAddress.getLoopbackAddress(), chosen);
        return new TestIssuer(server, jwk);
      } catch (Exception e) { // BindException, thrown undeclared from Kotlin
        if (port != 0 || attempt == 3) {
          throw new IllegalStateException("cannot start the mock issuer on port " + chosen, e);
        }
      }
    }
  }

  /** A loopback port that was free a moment ago. */
  public static int freeLoopbackPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JWK rsaJwk(KeyPair keyPair, String kid) {
    return new RSAKey.Builder((RSAPublicKey) keyPair.getPublic())
        .privateKey((RSAPrivateKey) keyPair.getPrivate())
        .keyID(kid)
        .keyUse(KeyUse.SIGNATURE)
        .algorithm(JWSAlgorithm.RS256)
        .build();
  }

  /** The embedded server itself. */
  public MockOAuth2Server server() {
    return server;
  }

  /** The issuer URL, exactly as in the tokens' {@code iss}. */
  public String issuer() {
    return server.issuerUrl(ISSUER_ID).toString();
  }

  /** The JWKS URL. */
  public URI jwksUri() {
    return server.jwksUrl(ISSUER_ID).uri();
  }

  /** The port the server listens on. */
  public int port() {
    return server.baseUrl().port();
  }

  /** The {@code kid} the issuer signs with, or {@code null} when the mock server generated its key. */
  public String kid() {
    return signingKey == null ? ISSUER_ID : signingKey.getKeyID();
  }

  /**
   * Issues an access token now (by the test clock).
   *
   * @param typeHeader the header {@code typ}, e.g. {@code JWT} or {@code at+jwt}
   * @param audience the {@code aud} values
   * @param claims further claims, e.g. {@code scope}
   * @param expirySeconds {@code exp - iat}
   */
  public String issue(String subject, String typeHeader, List<String> audience, Map<String, Object> claims,
      long expirySeconds) {
    return server.issueToken(ISSUER_ID, "client-1",
        new DefaultOAuth2TokenCallback(ISSUER_ID, subject, typeHeader, audience, claims, expirySeconds)).serialize();
  }

  /** An access token for one audience with a SMART scope, valid for an hour. */
  public String issue(String audience) {
    return issue("user-123", "JWT", List.of(audience), Map.of("scope", "launch/patient patient/*.read"), 3600);
  }

  /**
   * The paths of the requests the server received since the last call, waiting briefly for stragglers. Each call
   * consumes what it returns.
   */
  public List<String> takeRequests() {
    List<String> paths = new ArrayList<>();
    while (true) {
      RecordedRequest request;
      try {
        request = server.takeRequest(100, TimeUnit.MILLISECONDS);
      } catch (RuntimeException e) {
        return paths;
      }
      paths.add(request.getPath());
    }
  }

  /** How many requests for the JWKS the server received since the last {@link #takeRequests()}. */
  public long takeJwksRequests() {
    String jwksPath = server.jwksUrl(ISSUER_ID).encodedPath();
    return takeRequests().stream().filter(jwksPath::equals).count();
  }

  /** Stops the server; its port is free again. */
  public void shutdown() {
    server.shutdown();
  }

  @Override
  public void close() {
    try {
      server.shutdown();
    } catch (RuntimeException e) {
      // already stopped
    }
  }

  /** Signs with one given key whose {@code kid} is kept (the stock provider renames keys to the issuer id). */
  private static final class FixedKeyProvider extends KeyProvider {
    private final JWK key;

    FixedKeyProvider(JWK key, String algorithm) {
      super(List.of(), algorithm);
      this.key = key;
    }

    @Override
    public JWK signingKey(String issuerId) {
      return key;
    }
  }
}
