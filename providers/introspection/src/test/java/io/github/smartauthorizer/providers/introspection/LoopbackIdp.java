package io.github.smartauthorizer.providers.introspection;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.smartauthorizer.providers.shared.HttpFetcher;
import io.github.smartauthorizer.providers.shared.IntrospectionClient;
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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * An introspection endpoint on 127.0.0.1 that the test scripts: each request is recorded (method, headers, body) and
 * answered by the next queued {@link Reply}, or else by the default responder. Replies may be delayed to simulate a
 * slow IdP. Built on the JDK's {@code com.sun.net.httpserver}.
 */
final class LoopbackIdp implements AutoCloseable {
  static final String PATH = "/oauth2/default/v1/introspect";

  /** A request as the server received it. */
  record Recorded(String method, String path, Map<String, List<String>> headers, String body) {
    /** The first value of a header (case-insensitive name), or {@code null}. */
    String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return e.getValue().get(0);
        }
      }
      return null;
    }

    /** The decoded {@code application/x-www-form-urlencoded} body. */
    Map<String, String> form() {
      Map<String, String> form = new LinkedHashMap<>();
      if (body.isEmpty()) {
        return form;
      }
      for (String pair : body.split("&")) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        form.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
      }
      return form;
    }

    /** The decoded {@code user-id:password} of a Basic Authorization header (still form-encoded), or {@code null}. */
    String basicCredentials() {
      String authorization = header("Authorization");
      if (authorization == null || !authorization.startsWith("Basic ")) {
        return null;
      }
      return new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
    }
  }

  /** What the server answers. */
  record Reply(int status, String contentType, String body, Duration delay) {
    static Reply json(String body) {
      return new Reply(200, "application/json", body, Duration.ZERO);
    }

    static Reply status(int status, String contentType, String body) {
      return new Reply(status, contentType, body, Duration.ZERO);
    }

    Reply delayedBy(Duration by) {
      return new Reply(status, contentType, body, by);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Reply> queued = new ConcurrentLinkedQueue<>();
  private volatile Function<Recorded, Reply> responder = r -> Reply.json("{\"active\":false}");

  private LoopbackIdp() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    executor = Executors.newCachedThreadPool(r -> {
      Thread thread = new Thread(r, "loopback-idp");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  static LoopbackIdp start() {
    LoopbackIdp idp = new LoopbackIdp();
    idp.server.start();
    return idp;
  }

  /**
   * Makes one introspection-shaped call with a generous timeout, so that the one-time cost of loading the HTTP client
   * (a few hundred milliseconds in a cold JVM) does not eat into the 300 ms budget of the first test that runs.
   */
  static void warmUpHttpClient() {
    try (LoopbackIdp idp = start()) {
      new HttpFetcher(Duration.ofSeconds(10), 1024).postForm(idp.uri(), Map.of("token", "warm-up"), Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The introspection endpoint URL. */
  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
  }

  /** Answers every request that finds no queued reply. */
  LoopbackIdp respondWith(Function<Recorded, Reply> value) {
    this.responder = Objects.requireNonNull(value);
    return this;
  }

  /** Answers every request that finds no queued reply with this. */
  LoopbackIdp respondWith(Reply reply) {
    return respondWith(r -> reply);
  }

  /** Answers the next request with this (queued replies are used in order). */
  LoopbackIdp enqueue(Reply reply) {
    queued.add(reply);
    return this;
  }

  /** Every request received so far. */
  List<Recorded> requests() {
    return List.copyOf(requests);
  }

  int requestCount() {
    return requests.size();
  }

  Recorded lastRequest() {
    return requests.get(requests.size() - 1);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body;
      try (InputStream in = exchange.getRequestBody()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      Recorded recorded = new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          Map.copyOf(exchange.getRequestHeaders()), body);
      if (IntrospectionClient.WARM_UP_TOKEN.equals(recorded.form().get("token"))) {
        // The provider's priming call at init: answered, but neither recorded nor given a scripted reply.
        byte[] inactive = "{\"active\":false}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, inactive.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(inactive);
        }
        return;
      }
      requests.add(recorded);
      Reply reply = queued.poll();
      if (reply == null) {
        reply = responder.apply(recorded);
      }
      if (!reply.delay().isZero()) {
        try {
          Thread.sleep(reply.delay().toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
      if (reply.contentType() != null) {
        exchange.getResponseHeaders().set("Content-Type", reply.contentType());
      }
      exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    } catch (IOException e) {
      // the client gave up (a timeout test): nothing to answer
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
