package io.github.smartauthorizer.providers.cognito;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JWKS endpoint of one user pool on 127.0.0.1, at Cognito's path {@code /{poolId}/.well-known/jwks.json} (the
 * {@code cognito-idp} host stands behind {@code AUTHORIZER_ISSUER} = {@link #issuer()}). Built on the JDK's
 * {@code com.sun.net.httpserver}.
 */
final class LoopbackCognito implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final String poolId;
  private final AtomicInteger jwksRequests = new AtomicInteger();
  private final Map<String, AtomicInteger> requestsByHost = new ConcurrentHashMap<>();
  private volatile byte[] jwks = "{\"keys\":[]}".getBytes(StandardCharsets.UTF_8);

  private LoopbackCognito(String poolId) {
    this.poolId = poolId;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    executor = Executors.newCachedThreadPool(r -> {
      Thread thread = new Thread(r, "loopback-cognito");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  static LoopbackCognito start(String poolId) {
    LoopbackCognito cognito = new LoopbackCognito(poolId);
    cognito.server.start();
    return cognito;
  }

  /** {@code http://127.0.0.1:{port}/{poolId}}, standing in for {@code https://cognito-idp.{region}.amazonaws.com/{poolId}}. */
  String issuer() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + poolId;
  }

  URI jwksUri() {
    return URI.create(issuer() + "/.well-known/jwks.json");
  }

  LoopbackCognito serveJwks(byte[] document) {
    this.jwks = document.clone();
    return this;
  }

  int jwksRequests() {
    return jwksRequests.get();
  }

  /**
   * Stands in for every Cognito host: {@code https://{host}/{poolId}/.well-known/jwks.json} becomes
   * {@code http://127.0.0.1:{port}/{host}/{poolId}/.well-known/jwks.json}, served only for this pool.
   */
  URI hosting(URI jwks) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + jwks.getHost() + jwks.getPath());
  }

  /** The JWKS requests made through {@link #hosting} for one Cognito host, e.g. {@code cognito-idp.us-east-1.amazonaws.com}. */
  int jwksRequests(String host) {
    AtomicInteger count = requestsByHost.get(host);
    return count == null ? 0 : count.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      byte[] body;
      int status;
      String path = exchange.getRequestURI().getPath();
      String hosted = "/" + poolId + "/.well-known/jwks.json";
      if (path.equals(jwksUri().getPath())) {
        jwksRequests.incrementAndGet();
        status = 200;
        body = jwks;
      } else if (path.endsWith(hosted) && path.indexOf('/', 1) == path.length() - hosted.length()) {
        jwksRequests.incrementAndGet();
        requestsByHost.computeIfAbsent(path.substring(1, path.length() - hosted.length()), h -> new AtomicInteger())
            .incrementAndGet();
        status = 200;
        body = jwks;
      } else {
        status = 404;
        body = "{\"message\":\"User pool does not exist\"}".getBytes(StandardCharsets.UTF_8);
      }
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } catch (IOException e) {
      // the client gave up: nothing to answer
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
