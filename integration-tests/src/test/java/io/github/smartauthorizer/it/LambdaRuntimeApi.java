package io.github.smartauthorizer.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A loopback implementation of the AWS Lambda Runtime API (version 2018-06-01) that the Runtime Interface Client
 * talks to, as it talks to Lambda's own: {@code GET /runtime/invocation/next} hands out queued events with the
 * {@code Lambda-Runtime-*} headers, {@code POST /runtime/invocation/{id}/response} and {@code .../error} complete
 * them, and {@code POST /runtime/init/error} records an init failure.
 */
final class LambdaRuntimeApi implements AutoCloseable {
  static final String PREFIX = "/2018-06-01/runtime/";
  static final String FUNCTION_ARN = "arn:aws:lambda:us-east-1:111122223333:function:smart-authorizer:live";

  /** How an invocation ended: the function's response, or an error the runtime reported instead. */
  record Result(boolean error, String body) {}

  private record Invocation(String requestId, byte[] event) {}

  private final BlockingQueue<Invocation> queue = new LinkedBlockingQueue<>();
  private final Map<String, CompletableFuture<Result>> results = new ConcurrentHashMap<>();
  private final List<String> initErrors = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> firstPoll = new CompletableFuture<>();
  private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "lambda-runtime-api");
    thread.setDaemon(true);
    return thread;
  });
  private final HttpServer server;

  LambdaRuntimeApi() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(PREFIX, this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** The value of {@code AWS_LAMBDA_RUNTIME_API}. */
  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Queues one invocation; returns its request id. */
  String invoke(byte[] event) {
    String requestId = UUID.randomUUID().toString();
    results.put(requestId, new CompletableFuture<>());
    queue.add(new Invocation(requestId, event));
    return requestId;
  }

  /** Waits for the runtime to complete an invocation. */
  Result await(String requestId, Duration timeout) throws Exception {
    return results.get(requestId).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Waits until the runtime, its init done, asks for the first event; false on timeout. */
  boolean awaitFirstPoll(Duration timeout) throws InterruptedException {
    try {
      firstPoll.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return false;
    }
  }

  /** The bodies of init errors the runtime reported. */
  List<String> initErrors() {
    return initErrors;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
      String method = exchange.getRequestMethod();
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (method.equals("GET") && path.equals("invocation/next")) {
        next(exchange);
      } else if (method.equals("POST") && path.equals("init/error")) {
        initErrors.add(new String(body, StandardCharsets.UTF_8));
        send(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8));
      } else if (method.equals("POST") && path.startsWith("invocation/")
          && (path.endsWith("/response") || path.endsWith("/error"))) {
        String requestId = path.substring("invocation/".length(), path.lastIndexOf('/'));
        CompletableFuture<Result> result = results.get(requestId);
        if (result == null) {
          send(exchange, 400, "{\"errorMessage\":\"unknown request id\"}".getBytes(StandardCharsets.UTF_8));
          return;
        }
        result.complete(new Result(path.endsWith("/error"), new String(body, StandardCharsets.UTF_8)));
        send(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8));
      } else {
        send(exchange, 404, "{\"errorMessage\":\"not found\"}".getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private void next(HttpExchange exchange) throws IOException {
    firstPoll.complete(null);
    Invocation invocation;
    try {
      invocation = queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    var headers = exchange.getResponseHeaders();
    headers.set("Content-Type", "application/json");
    headers.set("Lambda-Runtime-Aws-Request-Id", invocation.requestId());
    headers.set("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 30_000));
    headers.set("Lambda-Runtime-Invoked-Function-Arn", FUNCTION_ARN);
    headers.set("Lambda-Runtime-Trace-Id", "Root=1-67890abc-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=0");
    send(exchange, 200, invocation.event());
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
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
