package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.Deadline;
import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.json.StrictJson;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Calls an OAuth 2.0 token introspection endpoint (RFC 7662) with client authentication {@code client_secret_basic}
 * or {@code client_secret_post}. Thread-safe.
 *
 * <p>The whole call, including one retry after the server rejected the client credentials with HTTP 401 (the secret
 * was rotated: the credentials are read again once), stays within one time budget; the retry is started only while a
 * third of the budget (at least 50 ms) is left, since a retry with less is unlikely to finish. A 4xx/5xx, a body that is not a
 * JSON object with a boolean {@code active}, a timeout or a refused connection is {@code IDP_UNAVAILABLE};
 * {@code active: false} is {@code INACTIVE_TOKEN}.
 */
public final class IntrospectionClient {
  /** The token introspected by {@link #prime}: it cannot be active anywhere. */
  public static final String WARM_UP_TOKEN = "smart-authorizer-warm-up";

  /** Below this much remaining budget (or a third of the budget, if more) no second call is started. */
  private static final Duration MIN_RETRY_BUDGET = Duration.ofMillis(50);

  /** How the client authenticates to the introspection endpoint (RFC 7591 §2 names). */
  public enum ClientAuthentication {
    CLIENT_SECRET_BASIC,
    CLIENT_SECRET_POST
  }

  private final URI endpoint;
  private final ClientAuthentication authentication;
  private final ClientCredentialsSource credentials;
  private final HttpFetcher fetcher;
  private final Duration budget;
  private final Duration minRetryBudget;
  private final System.Logger log;
  private final AtomicLong calls = new AtomicLong();
  /** What the last {@link #prime} found, or {@code null} before any prime that made a call. */
  private volatile PrimeOutcome lastPrime;

  /**
   * What a {@link #prime} call found.
   *
   * @param status the HTTP status, or 0 when the call failed
   * @param failure why the call failed (no secret, no token), or {@code null} when the endpoint answered
   */
  record PrimeOutcome(int status, String failure) {}

  public IntrospectionClient(URI endpoint, ClientAuthentication authentication, ClientCredentialsSource credentials,
      HttpFetcher fetcher, Duration budget, System.Logger log) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.authentication = Objects.requireNonNull(authentication, "authentication");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    this.budget = budget;
    this.minRetryBudget = budget.dividedBy(3).compareTo(MIN_RETRY_BUDGET) > 0 ? budget.dividedBy(3) : MIN_RETRY_BUDGET;
    this.log = log;
  }

  /** The endpoint, for diagnostics. */
  public URI endpoint() {
    return endpoint;
  }

  /**
   * How many introspection calls this client has made or attempted: those for requests, the retry after a 401 and
   * the warm-up calls of {@link #prime} (for metrics).
   */
  public long callCount() {
    return calls.get();
  }

  /** Whether the client credentials are in memory (a first read that may pass may not have succeeded yet). */
  boolean hasCredentials() {
    return credentials.current() != null;
  }

  /** What the last {@link #prime} found, or {@code null} when none made a call. */
  PrimeOutcome lastPrime() {
    return lastPrime;
  }

  /**
   * Introspects a token for a request.
   *
   * @param deadline the request's deadline, which every call and secret read here shares
   * @return the members of an active response
   * @throws TokenRejectedException {@code INACTIVE_TOKEN} or {@code IDP_UNAVAILABLE} ({@code CONFIGURATION_ERROR} when
   *     the client credentials turned out to be unusable)
   */
  public Map<String, Object> introspect(String token, Deadline deadline) throws TokenRejectedException {
    Deadline bounded = deadline.earlier(Deadline.after(budget));
    ClientCredentials used = credentials.current(bounded);
    HttpFetcher.HttpResponse response = call(token, used, bounded);
    if (response.status() == 401) {
      Optional<ClientCredentials> fresh = credentials.refresh(used, bounded);
      if (fresh.isEmpty() || bounded.remaining().compareTo(minRetryBudget) < 0) {
        log.log(Level.WARNING, "introspection endpoint rejected the client credentials (HTTP 401)");
        throw new TokenRejectedException(ReasonCode.IDP_UNAVAILABLE, "introspection rejected the client credentials");
      }
      log.log(Level.INFO, "introspection answered 401; retrying once with re-read client credentials");
      response = call(token, fresh.get(), bounded);
    }
    if (!response.isSuccessful()) {
      throw new TokenRejectedException(ReasonCode.IDP_UNAVAILABLE, "introspection answered HTTP " + response.status());
    }
    return parseAnswer(response.body());
  }

  /**
   * Reads the body of a successful introspection response (RFC 7662 §2.2): a strict JSON object with a boolean
   * {@code active}.
   *
   * @return the members of an active response
   * @throws TokenRejectedException {@code INACTIVE_TOKEN}, or {@code IDP_UNAVAILABLE} for anything but such an object
   */
  static Map<String, Object> parseAnswer(byte[] body) throws TokenRejectedException {
    Map<String, Object> json;
    try {
      json = StrictJson.parseObject(body);
    } catch (StrictJson.MalformedJsonException e) {
      throw new TokenRejectedException(ReasonCode.IDP_UNAVAILABLE, "introspection answer is not a JSON object");
    }
    Object active = json.get("active");
    if (!(active instanceof Boolean)) {
      throw new TokenRejectedException(ReasonCode.IDP_UNAVAILABLE, "introspection answer has no boolean active");
    }
    if (!((Boolean) active)) {
      throw new TokenRejectedException(ReasonCode.INACTIVE_TOKEN, "introspection says the token is not active");
    }
    return json;
  }

  /**
   * Warms the client at init (or before a SnapStart checkpoint): one introspection of a token that cannot be active,
   * which loads the HTTP stack, opens a pooled connection to the endpoint and checks the credentials. Failures are
   * logged, never thrown.
   */
  public void prime(Duration timeout) {
    ClientCredentials known = credentials.current();
    if (known == null) {
      log.log(Level.WARNING, "introspection client not primed: the client credentials are not readable yet");
      return;
    }
    try {
      calls.incrementAndGet();
      HttpFetcher.HttpResponse response = fetcher.withTimeout(timeout).postForm(endpoint, form(WARM_UP_TOKEN, known),
          headers(known), Deadline.none());
      lastPrime = new PrimeOutcome(response.status(), null);
      if (response.status() == 401) {
        log.log(Level.WARNING, "introspection client primed: the endpoint rejected the client credentials (HTTP 401)");
      } else {
        log.log(Level.INFO, "introspection client primed: HTTP {0}", response.status());
      }
    } catch (IOException | RuntimeException e) {
      lastPrime = new PrimeOutcome(0, e.getClass().getSimpleName() + ": " + e.getMessage());
      log.log(Level.WARNING, "introspection client primed: introspection call failed: {0}", e.getMessage());
    }
  }

  private HttpFetcher.HttpResponse call(String token, ClientCredentials client, Deadline deadline)
      throws TokenRejectedException {
    calls.incrementAndGet();
    try {
      return fetcher.postForm(endpoint, form(token, client), headers(client), deadline);
    } catch (IOException e) {
      throw new TokenRejectedException(ReasonCode.IDP_UNAVAILABLE, "introspection call failed: " + e.getMessage());
    }
  }

  private Map<String, String> form(String token, ClientCredentials client) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("token", token);
    form.put("token_type_hint", "access_token");
    if (authentication == ClientAuthentication.CLIENT_SECRET_POST) {
      form.put("client_id", client.clientId());
      form.put("client_secret", client.clientSecret());
    }
    return form;
  }

  private Map<String, String> headers(ClientCredentials client) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (authentication == ClientAuthentication.CLIENT_SECRET_BASIC) {
      String pair = formEncode(client.clientId()) + ":" + formEncode(client.clientSecret());
      headers.put("Authorization",
          "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }
    return headers;
  }

  /** RFC 6749 §2.3.1: the id and secret are form-encoded before the Basic encoding. */
  private static String formEncode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
