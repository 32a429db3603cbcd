package io.github.smartauthorizer.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Secrets Manager stand-in on 127.0.0.1 speaking just enough of the AWS JSON 1.1 protocol for
 * {@code GetSecretValue}: secrets, per-secret errors, a response delay and a request count. It ignores signatures.
 * Public for the integration tests, which reach it through this module's test-jar.
 */
public final class SecretsManagerLoopback implements AutoCloseable {
  private static final String JSON_1_1 = "application/x-amz-json-1.1";
  private static final Pattern SECRET_ID = Pattern.compile("\"SecretId\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final Map<String, String> responses = new ConcurrentHashMap<>();
  private final Map<String, String> errors = new ConcurrentHashMap<>();
  private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
  private final AtomicReference<Duration> delay = new AtomicReference<>(Duration.ZERO);
  private final AtomicInteger requests = new AtomicInteger();
  private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "secrets-manager-loopback");
    thread.setDaemon(true);
    return thread;
  });
  private final HttpServer server;

  public SecretsManagerLoopback() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** The endpoint to give the SDK as its endpoint override. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Stores (or rotates) a string secret. */
  public void putSecret(String id, String value) {
    responses.put(id, "{\"ARN\":\"arn:aws:secretsmanager:us-east-1:111122223333:secret:" + escape(id)
        + "-AbCdEf\",\"Name\":\"" + escape(id) + "\",\"SecretString\":\"" + escape(value)
        + "\",\"VersionId\":\"v-" + requests.get() + "\",\"VersionStages\":[\"AWSCURRENT\"],\"CreatedDate\":1.7E9}");
  }

  /** Stores a binary-only secret (no SecretString). */
  public void putBinarySecret(String id, byte[] value) {
    responses.put(id, "{\"ARN\":\"arn:aws:secretsmanager:us-east-1:111122223333:secret:" + escape(id)
        + "-AbCdEf\",\"Name\":\"" + escape(id) + "\",\"SecretBinary\":\""
        + Base64.getEncoder().encodeToString(value) + "\",\"VersionId\":\"v1\"}");
  }

  /** Answers requests for {@code id} with HTTP 200 and this raw body (to send malformed responses). */
  public void putRawResponse(String id, String body) {
    responses.put(id, body);
  }

  /** Answers requests for {@code id} with HTTP 400 and this error type, e.g. {@code AccessDeniedException}. */
  public void failWith(String id, String errorType) {
    failWith(id, errorType, 400);
  }

  /** Answers requests for {@code id} with this HTTP status and error type, e.g. 500 {@code InternalServiceError}. */
  public void failWith(String id, String errorType, int status) {
    errors.put(id, errorType);
    statuses.put(id, status);
  }

  /** Answers requests for {@code id} normally again. */
  public void recover(String id) {
    errors.remove(id);
    statuses.remove(id);
  }

  /** Delays every response from now on. */
  public void delay(Duration value) {
    delay.set(value);
  }

  /** How many requests arrived so far. */
  public int requests() {
    return requests.get();
  }

  /** Stops listening at once; later connections are refused. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      requests.incrementAndGet();
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      sleep(delay.get());
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      Matcher id = SECRET_ID.matcher(body);
      if (!"POST".equals(exchange.getRequestMethod()) || !"secretsmanager.GetSecretValue".equals(target)) {
        respond(exchange, 400, error("UnknownOperationException", "unsupported: " + target));
      } else if (!id.find()) {
        respond(exchange, 400, error("InvalidParameterException", "SecretId is required"));
      } else if (errors.containsKey(id.group(1))) {
        respond(exchange, statuses.getOrDefault(id.group(1), 400), error(errors.get(id.group(1)),
            "refused " + id.group(1)));
      } else if (responses.containsKey(id.group(1))) {
        respond(exchange, 200, responses.get(id.group(1)));
      } else {
        respond(exchange, 400,
            error("ResourceNotFoundException", "Secrets Manager can't find the specified secret."));
      }
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", JSON_1_1);
    exchange.getResponseHeaders().set("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String error(String type, String message) {
    return "{\"__type\":\"" + escape(type) + "\",\"message\":\"" + escape(message) + "\"}";
  }

  private static void sleep(Duration duration) {
    if (duration.isZero()) {
      return;
    }
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String escape(String value) {
    StringBuilder out = new StringBuilder(value.length() + 8);
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
