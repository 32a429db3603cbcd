package io.github.smartauthorizer.providers.shared;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A tiny HTTP server on 127.0.0.1 that answers every request with what the test set: a JWKS (or any body), a status,
 * a delay, or a dropped connection. It records the paths asked for, so that a test can also prove that nothing was
 * fetched (a {@code jku} in a token). Thread-safe. Shared with other modules through the test-jar.
 */
public final class JwksLoopback implements AutoCloseable {
  /** What the server answers. */
  private record Answer(int status, byte[] body, Duration delay, boolean drop) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "jwks-loopback");
    t.setDaemon(true);
    return t;
  });
  private final AtomicReference<Answer> answer =
      new AtomicReference<>(new Answer(200, "{\"keys\":[]}".getBytes(StandardCharsets.UTF_8), Duration.ZERO, false));
  private final List<String> requests = new CopyOnWriteArrayList<>();

  public JwksLoopback() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** The URL of a path on this server, e.g. {@code /jwks.json}. */
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  /** The JWKS URL the tests use. */
  public URI jwksUri() {
    return uri("/jwks.json");
  }

  /** Answers 200 with this body from now on. */
  public JwksLoopback serve(byte[] body) {
    answer.set(new Answer(200, body, Duration.ZERO, false));
    return this;
  }

  /** Answers 200 with this text from now on. */
  public JwksLoopback serve(String body) {
    return serve(body.getBytes(StandardCharsets.UTF_8));
  }

  /** Answers with this status and body from now on. */
  public JwksLoopback answer(int status, String body) {
    answer.set(new Answer(status, body.getBytes(StandardCharsets.UTF_8), Duration.ZERO, false));
    return this;
  }

  /** Delays every answer from now on (an IdP that is slow). */
  public JwksLoopback delay(Duration delay) {
    Answer a = answer.get();
    answer.set(new Answer(a.status, a.body, delay, a.drop));
    return this;
  }

  /** Closes every connection without an answer from now on (an IdP that is down behind a load balancer). */
  public JwksLoopback drop() {
    Answer a = answer.get();
    answer.set(new Answer(a.status, a.body, Duration.ZERO, true));
    return this;
  }

  /**
   * A key cache on this server's JWKS for these algorithms, as the tests that verify whole tokens use it: 10 s per
   * fetch, no background refresh, a {@link RecordingLogger} of its own.
   */
  public JwksCache cache(Set<JwsAlgorithm> algorithms, Clock clock) {
    return JwksCache.builder()
        .fetcher(new HttpFetcher(Duration.ofSeconds(10), JwtSettings.MAX_DOCUMENT_BYTES))
        .location(JwksLocation.fixed(jwksUri()))
        .algorithms(algorithms)
        .clock(clock)
        .refreshExecutor(null)
        .log(new RecordingLogger("jwks-loopback"))
        .build();
  }

  /** The paths requested so far, in order. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** How many requests arrived so far. */
  public int requestCount() {
    return requests.size();
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.add(exchange.getRequestURI().getPath());
    Answer a = answer.get();
    try (exchange) {
      if (!a.delay.isZero()) {
        try {
          Thread.sleep(a.delay.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      if (a.drop) {
        exchange.getResponseBody().close();
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(a.status, a.body.length == 0 ? -1 : a.body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(a.body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
