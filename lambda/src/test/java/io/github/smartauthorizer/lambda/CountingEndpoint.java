package io.github.smartauthorizer.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A JSON endpoint on loopback that counts its requests: a JWKS (serving another server's key set) or an RFC 7662
 * introspection endpoint (answering per token). For tests that must prove a request was, or was not, made.
 */
final class CountingEndpoint implements AutoCloseable {
  private final HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();

  private CountingEndpoint(Function<String, String> answer) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", exchange -> respond(exchange, answer));
    server.start();
  }

  /** A JWKS endpoint serving the key set found at {@code source} now (e.g. a mock issuer's). */
  static CountingEndpoint jwks(URI source) throws IOException, InterruptedException {
    String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(source).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return new CountingEndpoint(request -> body);
  }

  /**
   * An introspection endpoint: the answer for each known token (the form's {@code token}), {@code {"active":false}}
   * for any other.
   */
  static CountingEndpoint introspection(Map<String, String> answers) {
    Map<String, String> known = new ConcurrentHashMap<>(answers);
    return new CountingEndpoint(form -> {
      for (String pair : form.split("&")) {
        if (pair.startsWith("token=")) {
          return known.getOrDefault(URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8), "{\"active\":false}");
        }
      }
      return "{\"active\":false}";
    });
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/endpoint");
  }

  int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void respond(HttpExchange exchange, Function<String, String> answer) throws IOException {
    requests.incrementAndGet();
    String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    byte[] body = answer.apply(request).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
