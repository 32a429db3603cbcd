package io.github.smartauthorizer.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An RFC 7662 introspection endpoint on loopback for opaque tokens: it knows the tokens it was given (with the answer
 * to send for each), answers {@code {"active":false}} for any other, and 401 to a client without the expected Basic
 * credentials. mock-oauth2-server's own endpoint leaves {@code exp} out of its answers, which HealthLake needs.
 */
final class OpaqueTokenServer implements AutoCloseable {
  private final HttpServer server;
  private final String expectedAuthorization;
  private final Map<String, String> answers = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();

  OpaqueTokenServer(String clientId, String clientSecret) throws IOException {
    this.expectedAuthorization = "Basic " + Base64.getEncoder().encodeToString(
        (clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/oauth2/default/v1/introspect", this::handle);
    server.start();
  }

  /** The Okta-style issuer this server stands for. */
  URI issuer() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/oauth2/default");
  }

  /** Makes a token active with this JSON answer. */
  void activate(String token, String answerJson) {
    answers.put(token, answerJson);
  }

  int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      requests.incrementAndGet();
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      if (!expectedAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        respond(exchange, 401, "{\"error\":\"invalid_client\"}");
        return;
      }
      String token = null;
      for (String pair : body.split("&")) {
        if (pair.startsWith("token=")) {
          token = URLDecoder.decode(pair.substring("token=".length()), StandardCharsets.UTF_8);
        }
      }
      respond(exchange, 200, token == null ? "{\"active\":false}" : answers.getOrDefault(token, "{\"active\":false}"));
    }
  }

  private static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }
}
