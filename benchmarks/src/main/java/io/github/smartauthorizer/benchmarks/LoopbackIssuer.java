package io.github.smartauthorizer.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.github.smartauthorizer.providers.shared.TestKeys;
import io.github.smartauthorizer.providers.shared.TestTokens;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * An identity provider on loopback for the benchmarks, the cold-start harness and the soak run: one RS256 key and one
 * ES256 key (java-jwt signs, through the shared {@link TestTokens}), published in a JWKS at the paths every built-in
 * provider reads, and an RFC 7662 introspection endpoint. Built on the JDK's {@link HttpServer} only, so that nothing
 * of it (no Kotlin, no mock web server) runs in the JVM being measured when it is started in another one. Plain HTTP
 * ({@link #start()}) or HTTPS ({@link #start(SSLContext)}, the JDK's {@link HttpsServer} with the key and certificate
 * chain of that context, e.g. {@link ThrowawayTls}).
 *
 * <table>
 *   <caption>Paths</caption>
 *   <tr><td>{@code /issuer}, {@code /issuer/.well-known/openid-configuration}, {@code /issuer/jwks}</td>
 *       <td>provider {@code jwks} (discovery, then the JWKS)</td></tr>
 *   <tr><td>{@code /realms/bench/protocol/openid-connect/certs}</td><td>provider {@code keycloak}</td></tr>
 *   <tr><td>{@code /cognito/us-east-1_Bench/.well-known/jwks.json}</td><td>provider {@code cognito}</td></tr>
 *   <tr><td>{@code /introspect}, {@code /oauth2/default/v1/introspect}</td><td>providers {@code introspection},
 *       {@code okta}: active for the opaque tokens of {@link #opaqueToken()}, inactive for anything else</td></tr>
 * </table>
 */
public final class LoopbackIssuer implements AutoCloseable {
  public static final String DATASTORE_ID = "0123456789abcdef0123456789abcdef";
  public static final String ENDPOINT = "https://healthlake.us-east-1.amazonaws.com/datastore/" + DATASTORE_ID + "/r4/";
  public static final String ROLE = "arn:aws:iam::111122223333:role/HealthLakeSmartBench";
  public static final String CLIENT_ID = "bench-client";
  public static final String CLIENT_SECRET = "bench-secret";
  public static final String SCOPE = "launch/patient openid fhirUser patient/Observation.rs patient/Patient.r";
  public static final String REALM_PATH = "/realms/bench";
  public static final String COGNITO_PATH = "/cognito/us-east-1_Bench";

  private final HttpServer server;
  private final ExecutorService executor;
  private final TestTokens rs256 = TestTokens.rs256("bench-rs256");
  private final TestTokens es256 = TestTokens.es256("bench-es256");
  private final Map<String, String> introspectionAnswers = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
  private final Map<String, Long> lastArrival = new ConcurrentHashMap<>();
  private final String scheme;
  private final AtomicLong opaqueCounter = new AtomicLong();

  static {
    // Without TCP_NODELAY a POST answered by the JDK's server waits out the client's delayed ACK (~40 ms per call).
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private LoopbackIssuer(SSLContext tls) {
    try {
      InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
      if (tls == null) {
        server = HttpServer.create(address, 64);
        scheme = "http";
      } else {
        HttpsServer https = HttpsServer.create(address, 64);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        server = https;
        scheme = "https";
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "loopback-issuer");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::respond);
  }

  /** Starts an issuer on a free loopback port, over plain HTTP. */
  public static LoopbackIssuer start() {
    return start(null);
  }

  /** Starts an issuer on a free loopback port, over HTTPS with {@code tls}'s key and chain (plain HTTP if null). */
  public static LoopbackIssuer start(SSLContext tls) {
    LoopbackIssuer issuer = new LoopbackIssuer(tls);
    issuer.server.start();
    return issuer;
  }

  public String baseUrl() {
    return scheme + "://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The JWKS this issuer publishes (an RS256 and an ES256 key), as JSON. */
  public String jwksJson() {
    return new String(TestKeys.jwks(rs256.publicJwk(), es256.publicJwk()), StandardCharsets.UTF_8);
  }

  /** The issuer of provider {@code jwks}. */
  public String issuer() {
    return baseUrl() + "/issuer";
  }

  /** The issuer of provider {@code keycloak}. */
  public String keycloakIssuer() {
    return baseUrl() + REALM_PATH;
  }

  /** The issuer of provider {@code cognito}. */
  public String cognitoIssuer() {
    return baseUrl() + COGNITO_PATH;
  }

  /** The issuer of provider {@code okta} (a custom authorization server: introspection at {@code /v1/introspect}). */
  public String oktaIssuer() {
    return baseUrl() + "/oauth2/default";
  }

  public String introspectionUrl() {
    return baseUrl() + "/introspect";
  }

  /** The RS256 or ES256 signer. */
  public TestTokens signer(String algorithm) {
    return switch (algorithm) {
      case "RS256" -> rs256;
      case "ES256" -> es256;
      default -> throw new IllegalArgumentException(algorithm);
    };
  }

  /** A SMART access token of the {@code jwks} issuer for {@link #ENDPOINT}, valid for {@code lifetimeSeconds}. */
  public String token(String algorithm, long lifetimeSeconds) {
    return signer(algorithm).sign(Map.of("typ", "JWT"), claims(issuer(), List.of(ENDPOINT), lifetimeSeconds));
  }

  /** A token of this issuer's shape for another issuer (keycloak, cognito) or audience. */
  public String token(String algorithm, Map<String, Object> claims) {
    return signer(algorithm).sign(Map.of("typ", "JWT"), claims);
  }

  /** The claims of a SMART patient-context access token. */
  public Map<String, Object> claims(String iss, List<String> audience, long lifetimeSeconds) {
    long now = Instant.now().getEpochSecond();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", iss);
    claims.put("sub", "user-123");
    if (audience != null) {
      claims.put("aud", audience);
    }
    claims.put("iat", now);
    claims.put("nbf", now);
    claims.put("exp", now + lifetimeSeconds);
    claims.put("jti", "jti-" + opaqueCounter.incrementAndGet());
    claims.put("client_id", CLIENT_ID);
    claims.put("scope", SCOPE);
    claims.put("fhirUser", "Practitioner/123");
    claims.put("patient", "456");
    return claims;
  }

  /** A new opaque token that the introspection endpoint answers active for, for {@code lifetimeSeconds}. */
  public String opaqueToken(long lifetimeSeconds) {
    String token = "opaque-" + Long.toHexString(System.nanoTime()) + "-" + opaqueCounter.incrementAndGet();
    // The answer names the data store as its audience, as the introspection providers require by default.
    Map<String, Object> answer = new LinkedHashMap<>(claims(baseUrl() + "/issuer", List.of(ENDPOINT),
        lifetimeSeconds));
    answer.remove("jti");
    answer.put("active", true);
    answer.put("token_type", "Bearer");
    introspectionAnswers.put(token, TestKeys.json(answer));
    return token;
  }

  /** A HealthLake event carrying this bearer token. */
  public static byte[] event(String token) {
    return eventJson(token).getBytes(StandardCharsets.UTF_8);
  }

  public static String eventJson(String token) {
    return "{\"datastoreEndpoint\":\"" + ENDPOINT + "\",\"operationName\":\"SearchWithGet\",\"bearerToken\":\""
        + token + "\",\"datastoreId\":\"" + DATASTORE_ID + "\",\"datastoreTypeVersion\":\"R4\"}";
  }

  /**
   * The {@code AUTHORIZER_*} configuration of a provider against this issuer.
   *
   * @param provider {@code jwks}, {@code jwks-es256}, {@code introspection}, {@code okta}, {@code keycloak} or
   *     {@code cognito}
   */
  public Map<String, String> environment(String provider) {
    Map<String, String> env = new HashMap<>();
    env.put("AUTHORIZER_IAM_ROLE_ARN", ROLE);
    switch (provider) {
      case "jwks", "jwks-es256" -> {
        env.put("AUTHORIZER_PROVIDER", "jwks");
        env.put("AUTHORIZER_ISSUER", issuer());
        env.put("AUTHORIZER_ALGORITHMS", "RS256,ES256");
      }
      case "introspection" -> {
        env.put("AUTHORIZER_PROVIDER", "introspection");
        env.put("AUTHORIZER_INTROSPECTION_URL", introspectionUrl());
        env.put("AUTHORIZER_CLIENT_ID", CLIENT_ID);
        env.put("AUTHORIZER_CLIENT_SECRET", CLIENT_SECRET);
      }
      case "okta" -> {
        env.put("AUTHORIZER_PROVIDER", "okta");
        env.put("AUTHORIZER_ISSUER", oktaIssuer());
        env.put("AUTHORIZER_CLIENT_ID", CLIENT_ID);
        env.put("AUTHORIZER_CLIENT_SECRET", CLIENT_SECRET);
      }
      case "keycloak" -> {
        env.put("AUTHORIZER_PROVIDER", "keycloak");
        env.put("AUTHORIZER_ISSUER", keycloakIssuer());
      }
      case "cognito" -> {
        env.put("AUTHORIZER_PROVIDER", "cognito");
        env.put("AUTHORIZER_ISSUER", cognitoIssuer());
        env.put("AUTHORIZER_COGNITO_CLIENT_IDS", CLIENT_ID);
      }
      default -> throw new IllegalArgumentException("unknown provider " + provider);
    }
    return env;
  }

  /** A bearer token that {@code provider}'s configuration ({@link #environment}) authorizes. */
  public String validToken(String provider, long lifetimeSeconds) {
    return switch (provider) {
      case "jwks" -> token("RS256", lifetimeSeconds);
      case "jwks-es256" -> token("ES256", lifetimeSeconds);
      case "introspection", "okta" -> {
        String token = opaqueToken(lifetimeSeconds);
        if (provider.equals("okta")) {
          // Okta answers carry the authorization server as iss; the provider checks it when present.
          Map<String, Object> answer = new LinkedHashMap<>(claims(oktaIssuer(), List.of(ENDPOINT), lifetimeSeconds));
          answer.remove("jti");
          answer.put("active", true);
          introspectionAnswers.put(token, TestKeys.json(answer));
        }
        yield token;
      }
      case "keycloak" -> {
        Map<String, Object> claims = claims(keycloakIssuer(), List.of(ENDPOINT), lifetimeSeconds);
        claims.put("azp", CLIENT_ID);
        claims.put("typ", "Bearer");
        yield token("RS256", claims);
      }
      case "cognito" -> {
        Map<String, Object> claims = claims(cognitoIssuer(), null, lifetimeSeconds);
        claims.put("token_use", "access");
        yield token("RS256", claims);
      }
      default -> throw new IllegalArgumentException("unknown provider " + provider);
    };
  }

  /** How many requests the issuer answered on a path (e.g. {@code /issuer/jwks}). */
  public long requests(String path) {
    AtomicLong count = requests.get(path);
    return count == null ? 0 : count.get();
  }

  /**
   * When the latest request on a path arrived (its headers read, so after the TLS handshake), in {@link
   * System#nanoTime()}; on Linux the same clock as {@code -Xlog}'s {@code timenanos} in another JVM. Null if none.
   */
  public Long lastArrival(String path) {
    return lastArrival.get(path);
  }

  /** How many requests the issuer answered, by path: a copy. */
  public Map<String, Long> requestCounts() {
    Map<String, Long> counts = new LinkedHashMap<>();
    requests.forEach((path, count) -> counts.put(path, count.get()));
    return counts;
  }

  /** How many requests the issuer answered in all. */
  public long requests() {
    return requests.values().stream().mapToLong(AtomicLong::get).sum();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void respond(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    lastArrival.put(path, System.nanoTime());
    requests.computeIfAbsent(path, p -> new AtomicLong()).incrementAndGet();
    String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String answer;
    if (path.equals("/issuer/.well-known/openid-configuration")) {
      answer = "{\"issuer\":\"" + issuer() + "\",\"jwks_uri\":\"" + issuer() + "/jwks\",\"authorization_endpoint\":\""
          + issuer() + "/authorize\",\"token_endpoint\":\"" + issuer() + "/token\"}";
    } else if (path.equals("/issuer/jwks") || path.equals(REALM_PATH + "/protocol/openid-connect/certs")
        || path.equals(COGNITO_PATH + "/.well-known/jwks.json")) {
      answer = jwksJson();
    } else if (path.endsWith("/introspect") && "POST".equals(exchange.getRequestMethod())) {
      answer = introspect(form);
    } else {
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
      return;
    }
    byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private String introspect(String form) {
    for (String pair : form.split("&")) {
      if (pair.startsWith("token=")) {
        return introspectionAnswers.getOrDefault(URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8),
            "{\"active\":false}");
      }
    }
    return "{\"active\":false}";
  }
}
