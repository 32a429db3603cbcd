package io.github.smartauthorizer.providers.keycloak;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.smartauthorizer.providers.shared.HttpFetcher;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The two endpoints of one Keycloak realm that the provider calls, on 127.0.0.1, at Keycloak's own paths: the certs
 * endpoint (answering {@code Cache-Control: no-cache}, as Keycloak does) and the introspection endpoint (checking
 * {@code client_secret_basic} credentials, then answering what the test scripts for the posted token). Built on the
 * JDK's {@code com.sun.net.httpserver}.
 */
final class LoopbackKeycloak implements AutoCloseable {
  /** An introspection request as received. */
  record Introspection(String path, String basicCredentials, Map<String, String> form) {}

  private final HttpServer server;
  private final ExecutorService executor;
  private final String realm;
  private final AtomicInteger certsRequests = new AtomicInteger();
  private final AtomicInteger warmUpCalls = new AtomicInteger();
  private final List<Introspection> introspections = new CopyOnWriteArrayList<>();
  private volatile byte[] jwks = "{\"keys\":[]}".getBytes(StandardCharsets.UTF_8);
  private volatile String credentials;
  private volatile Function<String, String> introspectionAnswer = token -> "{\"active\":false}";
  private volatile int introspectionStatus = 200;

  private LoopbackKeycloak(String realm) {
    this.realm = realm;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    executor = Executors.newCachedThreadPool(r -> {
      Thread thread = new Thread(r, "loopback-keycloak");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  static LoopbackKeycloak start(String realm) {
    LoopbackKeycloak keycloak = new LoopbackKeycloak(realm);
    keycloak.server.start();
    return keycloak;
  }

  /**
   * One call with a generous timeout, so that loading the HTTP client in a cold JVM does not eat into the 500 ms
   * budget of the first introspection a test makes.
   */
  static void warmUpHttpClient() {
    try (LoopbackKeycloak keycloak = start("warm-up")) {
      new HttpFetcher(Duration.ofSeconds(10), 1024).postForm(keycloak.introspectionUri(), Map.of("token", "t"), Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The base URL ({@code AUTHORIZER_KEYCLOAK_URL}). */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The realm's issuer, {@code {base}/realms/{realm}}. */
  String issuer() {
    return baseUrl() + "/realms/" + realm;
  }

  URI certsUri() {
    return URI.create(issuer() + "/protocol/openid-connect/certs");
  }

  URI introspectionUri() {
    return URI.create(issuer() + "/protocol/openid-connect/token/introspect");
  }

  /** Serves this JWKS document from the certs endpoint. */
  LoopbackKeycloak serveJwks(byte[] document) {
    this.jwks = document.clone();
    return this;
  }

  /** Introspection requires Basic credentials {@code id:secret}. */
  LoopbackKeycloak requireCredentials(String clientId, String clientSecret) {
    this.credentials = clientId + ":" + clientSecret;
    return this;
  }

  /** Answers introspection requests with the JSON this function gives for the posted token. */
  LoopbackKeycloak answerIntrospection(Function<String, String> answer) {
    this.introspectionAnswer = Objects.requireNonNull(answer);
    this.introspectionStatus = 200;
    return this;
  }

  /** Answers introspection requests with this HTTP status and an error body. */
  LoopbackKeycloak failIntrospection(int status) {
    this.introspectionStatus = status;
    return this;
  }

  int certsRequests() {
    return certsRequests.get();
  }

  /** How many warm-up calls ({@link io.github.smartauthorizer.providers.shared.IntrospectionClient#prime}) came. */
  int warmUpCalls() {
    return warmUpCalls.get();
  }

  List<Introspection> introspections() {
    return List.copyOf(introspections);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body;
      try (InputStream in = exchange.getRequestBody()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      String path = exchange.getRequestURI().getPath();
      if (path.equals(certsUri().getPath()) && exchange.getRequestMethod().equals("GET")) {
        certsRequests.incrementAndGet();
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        send(exchange, 200, "application/json", jwks);
      } else if (path.equals(introspectionUri().getPath()) && exchange.getRequestMethod().equals("POST")) {
        introspect(exchange, path, body);
      } else {
        send(exchange, 404, "application/json", "{\"error\":\"RESTEASY003210: Could not find resource\"}");
      }
    } catch (IOException e) {
      // the client gave up: nothing to answer
    }
  }

  private void introspect(HttpExchange exchange, String path, String body) throws IOException {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    String basic = authorization != null && authorization.startsWith("Basic ")
        ? new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8) : null;
    Map<String, String> form = form(body);
    if (io.github.smartauthorizer.providers.shared.IntrospectionClient.WARM_UP_TOKEN.equals(form.get("token"))) {
      // The provider's priming call at init: answered and counted, not recorded.
      warmUpCalls.incrementAndGet();
      send(exchange, 200, "application/json", "{\"active\":false}");
      return;
    }
    introspections.add(new Introspection(path, basic, form));
    if (credentials != null && !credentials.equals(basic)) {
      send(exchange, 401, "application/json",
          "{\"error\":\"invalid_client\",\"error_description\":\"Invalid client or Invalid client credentials\"}");
    } else if (introspectionStatus != 200) {
      send(exchange, introspectionStatus, "application/json", "{\"error\":\"unknown_error\"}");
    } else {
      send(exchange, 200, "application/json", introspectionAnswer.apply(form.getOrDefault("token", "")));
    }
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      form.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return form;
  }

  private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    send(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
