package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.Deadline;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * The one HTTP client of the authorizer (OkHttp), for JWKS, discovery and introspection calls. Every call is bounded
 * by a total timeout drawn from HealthLake's 1-second budget and every response body by a size cap. No redirects are
 * followed (a configured endpoint is used exactly as configured) and no call is retried, except that OkHttp repeats a
 * request on a new connection when a pooled keep-alive connection turns out to have been closed by the server (an IdP
 * or load balancer idle timeout, a Lambda freeze), still within the same call timeout. Thread-safe; connections are
 * pooled and kept warm between invocations.
 *
 * <p>A call made for a request takes the request's {@link Deadline}: it is bounded by the smaller of this fetcher's
 * timeout and what is left of the deadline, and is not started at all once the deadline has passed
 * ({@link DeadlinePassedException}).
 */
public final class HttpFetcher {
  /** The shared client, in a holder of its own: building it loads the platform's TLS context and trust store. */
  private static final class Shared {
    static final OkHttpClient BASE = new OkHttpClient.Builder()
        .followRedirects(false)
        .followSslRedirects(false)
        // OkHttp does not probe pooled connections before a GET; without this, the first call after the server
        // closed an idle connection fails ("unexpected end of stream"), e.g. the JWKS refetch that should pick up a
        // new key.
        .retryOnConnectionFailure(true)
        .build();
  }

  /** The base client, or {@code null} for the shared one, taken only when the first call is made. */
  private final OkHttpClient base;
  private final Duration callTimeout;
  private final int maxResponseBytes;
  private final String userAgent;
  /**
   * Built on the first call, not by the constructor: building an OkHttp client builds the platform's TLS context and
   * trust store, a third of a cold start at 0.58 vCPU (docs/performance.md), which a validator whose keys were supplied
   * up front must not pay before its first response.
   */
  private volatile OkHttpClient client;

  /**
   * @param callTimeout the whole call, connect to last byte
   * @param maxResponseBytes the largest body accepted
   */
  public HttpFetcher(Duration callTimeout, int maxResponseBytes) {
    this(null, callTimeout, maxResponseBytes);
  }

  HttpFetcher(OkHttpClient base, Duration callTimeout, int maxResponseBytes) {
    this.base = base;
    this.callTimeout = callTimeout;
    this.maxResponseBytes = maxResponseBytes;
    this.userAgent = "smart-authorizer";
  }

  /** Whether the first call has built the client yet (tests). */
  boolean clientBuilt() {
    return client != null;
  }

  /** The client with this fetcher's timeouts, built on first use (racing threads may build it twice; harmless). */
  private OkHttpClient client() {
    OkHttpClient built = client;
    if (built == null) {
      built = (base != null ? base : Shared.BASE).newBuilder()
          .callTimeout(callTimeout)
          .connectTimeout(callTimeout)
          .readTimeout(callTimeout)
          .writeTimeout(callTimeout)
          .build();
      client = built;
    }
    return built;
  }

  /**
   * Builds the shared client, which loads the platform's TLS context and trust store (whether or not the issuer
   * speaks HTTPS: every production issuer does), so that a cold start can do it on a thread of its own while the
   * configuration is read. Idempotent and never throws.
   */
  public static void warmUpTls() {
    try {
      Shared.BASE.connectionPool();
    } catch (RuntimeException | LinkageError e) {
      // nothing to do: the first real call meets the same problem and reports it where it is handled
    }
  }

  /**
   * Runs a GET and a form POST through this class and OkHttp's whole call path (URL, headers, connection, HTTP/1.1
   * exchange, body limits) against a canned in-memory response, so that a cold start loads that code on a thread of
   * its own, in parallel with {@link #warmUpTls()}. No socket is opened and no name is resolved. Never throws.
   */
  public static void warmUpCallPath() {
    try {
      HttpWarmup.exerciseCallPath();
    } catch (IOException | RuntimeException | LinkageError e) {
      // as above
    }
  }

  /**
   * The same client (sharing connections) with another timeout, e.g. a longer one for prefetching at init, where a
   * timeout would fail every request until the next attempt.
   */
  public HttpFetcher withTimeout(Duration callTimeout) {
    return new HttpFetcher(base, callTimeout, maxResponseBytes);
  }

  /** An HTTP response: status and body (at most the cap). */
  public record HttpResponse(int status, byte[] body) {
    public boolean isSuccessful() {
      return status >= 200 && status < 300;
    }
  }

  /** The timeout of one call (when no deadline is nearer). */
  public Duration callTimeout() {
    return callTimeout;
  }

  /** GET with an {@code Accept} header, bounded by this fetcher's timeout alone. */
  public HttpResponse get(URI uri, String accept) throws IOException {
    return get(uri, accept, Deadline.none());
  }

  /**
   * GET with an {@code Accept} header, for a request with this deadline.
   *
   * @throws DeadlinePassedException when the deadline has passed before the call could start
   */
  public HttpResponse get(URI uri, String accept, Deadline deadline) throws IOException {
    Request request = new Request.Builder()
        .url(uri.toString())
        .header("Accept", accept)
        .header("User-Agent", userAgent)
        .get()
        .build();
    return execute(request, deadline);
  }

  /** POST of an {@code application/x-www-form-urlencoded} body with extra headers, bounded by the timeout alone. */
  public HttpResponse postForm(URI uri, Map<String, String> form, Map<String, String> headers) throws IOException {
    return postForm(uri, form, headers, Deadline.none());
  }

  /**
   * POST of an {@code application/x-www-form-urlencoded} body with extra headers, for a request with this deadline.
   *
   * @throws DeadlinePassedException when the deadline has passed before the call could start
   */
  public HttpResponse postForm(URI uri, Map<String, String> form, Map<String, String> headers, Deadline deadline)
      throws IOException {
    FormBody.Builder body = new FormBody.Builder();
    form.forEach(body::add);
    Request.Builder request = new Request.Builder()
        .url(uri.toString())
        .header("Accept", "application/json")
        .header("User-Agent", userAgent)
        .post(body.build());
    headers.forEach(request::header);
    return execute(request.build(), deadline);
  }

  private HttpResponse execute(Request request, Deadline deadline) throws IOException {
    Call call = client().newCall(request);
    if (deadline.isBounded()) {
      Duration allowed = deadline.cap(callTimeout);
      if (allowed.isZero()) {
        throw new DeadlinePassedException();
      }
      call.timeout().timeout(allowed.toNanos(), TimeUnit.NANOSECONDS);
    }
    try (Response response = call.execute()) {
      ResponseBody body = Objects.requireNonNull(response.body());
      long declared = body.contentLength();
      if (declared > maxResponseBytes) {
        throw new ResponseTooLargeException(maxResponseBytes);
      }
      BufferedSource source = body.source();
      if (source.request(maxResponseBytes + 1L)) {
        throw new ResponseTooLargeException(maxResponseBytes);
      }
      return new HttpResponse(response.code(), source.readByteArray());
    } catch (InterruptedIOException e) {
      throw new IOException("timed out", e);
    }
  }

  /** The request's deadline passed before a call could start; nothing was sent. */
  public static final class DeadlinePassedException extends IOException {
    private static final long serialVersionUID = 1L;

    DeadlinePassedException() {
      super("the request deadline has passed");
    }
  }

  /** The response body exceeded the cap. */
  public static final class ResponseTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    ResponseTooLargeException(int cap) {
      super("response larger than " + cap + " bytes");
    }
  }
}
