package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.Deadline;
import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.json.StrictJson;
import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.api.spi.SecretSource;
import io.github.smartauthorizer.api.spi.SecretUnavailableException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The client credentials a provider uses to call its IdP, read once at init and kept in memory, and read again once
 * when the IdP rejects them (a rotated secret). Thread-safe.
 *
 * <p>From a secret ({@code AUTHORIZER_CLIENT_SECRET_ID}, a Secrets Manager name or ARN) whose string is JSON
 * {@code {"client_id": "...", "client_secret": "..."}}, the key names configurable with
 * {@code AUTHORIZER_CLIENT_ID_KEY} and {@code AUTHORIZER_CLIENT_SECRET_KEY}; or, for local use only, from
 * {@code AUTHORIZER_CLIENT_ID} and {@code AUTHORIZER_CLIENT_SECRET}, with a warning in the log.
 *
 * <p><b>A failed first read.</b> A secret that cannot be used (not found, access denied, malformed) is a configuration
 * error at init. A read that failed in a way that may pass (a timeout, throttling, a server error: {@link
 * SecretUnavailableException#isRetryable()}) is not: the source comes up without credentials, every request meanwhile
 * is denied {@code IDP_UNAVAILABLE}, and the secret is read again lazily by a request, at most once per
 * {@link #RETRY_INTERVAL} and within that request's deadline, so a Secrets Manager hiccup at a cold start does not
 * poison the execution environment. A later read that finds a configuration error denies {@code CONFIGURATION_ERROR}.
 *
 * <p>Every read during a request, and every wait for another caller's read, ends by the request's {@link Deadline}.
 */
public final class ClientCredentialsSource {
  /** At most one re-read of the secret per this interval after the IdP rejected the credentials. */
  public static final Duration MIN_REREAD_INTERVAL = Duration.ofSeconds(30);
  /** At most one retry of a first read that failed in a way that may pass, per this interval. */
  public static final Duration RETRY_INTERVAL = Duration.ofSeconds(5);

  static final String CLIENT_SECRET_ID = "CLIENT_SECRET_ID";
  static final String CLIENT_ID_KEY = "CLIENT_ID_KEY";
  static final String CLIENT_SECRET_KEY = "CLIENT_SECRET_KEY";
  static final String CLIENT_ID = "CLIENT_ID";
  static final String CLIENT_SECRET = "CLIENT_SECRET";

  /**
   * Every key {@link #fromConfiguration} reads (without the {@code AUTHORIZER_} prefix), for a provider's
   * {@link io.github.smartauthorizer.api.spi.AuthorizerProvider#settingNames()}. Sorted.
   */
  public static final Set<String> SETTING_NAMES =
      SettingNames.union(Set.of(CLIENT_SECRET_ID, CLIENT_ID_KEY, CLIENT_SECRET_KEY, CLIENT_ID, CLIENT_SECRET));

  private final SecretSource secrets;
  private final String secretId;
  private final String variable;
  private final String idKey;
  private final String secretKey;
  private final System.Logger log;
  private final Clock clock;
  private final ReentrantLock readLock = new ReentrantLock();
  private volatile ClientCredentials current;
  /** When the credentials are missing: why the last read failed (a configuration error, or one that may pass). */
  private volatile SecretUnavailableException lastFailure;
  private long lastReread;
  private long lastRetry; // clock millis

  private ClientCredentialsSource(SecretSource secrets, String secretId, String variable, String idKey,
      String secretKey, ClientCredentials initial, System.Logger log, Clock clock) {
    this.secrets = secrets;
    this.secretId = secretId;
    this.variable = variable;
    this.idKey = idKey;
    this.secretKey = secretKey;
    this.current = initial;
    this.log = log;
    this.clock = clock;
  }

  /** Fixed credentials (tests, local use). */
  public static ClientCredentialsSource fixed(ClientCredentials credentials) {
    return new ClientCredentialsSource(null, null, null, null, null, credentials, System.getLogger("credentials"),
        Clock.systemUTC());
  }

  /**
   * Reads the configured credentials now (at init).
   *
   * @throws ConfigurationException when neither a secret id nor local credentials are configured, or the secret cannot
   *     be used (not found, access denied, malformed); a read that may pass later is logged and retried lazily
   */
  public static ClientCredentialsSource fromConfiguration(Configuration config, SecretSource secrets,
      System.Logger log) {
    return fromConfiguration(config, secrets, log, Clock.systemUTC());
  }

  /**
   * As {@link #fromConfiguration(Configuration, SecretSource, System.Logger)}, with the clock that paces the retries of
   * a first read that may pass ({@link #RETRY_INTERVAL}).
   */
  public static ClientCredentialsSource fromConfiguration(Configuration config, SecretSource secrets,
      System.Logger log, Clock clock) {
    Optional<String> secretId = config.optional(CLIENT_SECRET_ID);
    if (secretId.isPresent()) {
      String idKey = config.optional(CLIENT_ID_KEY).orElse("client_id");
      String secretKey = config.optional(CLIENT_SECRET_KEY).orElse("client_secret");
      String variable = config.variable(CLIENT_SECRET_ID);
      ClientCredentialsSource source =
          new ClientCredentialsSource(secrets, secretId.get(), variable, idKey, secretKey, null, log, clock);
      try {
        source.current = source.read(null);
      } catch (SecretUnavailableException e) {
        if (!e.isRetryable()) {
          throw new ConfigurationException(variable, "names a secret that cannot be used: " + e.getMessage());
        }
        source.lastFailure = e;
        source.lastRetry = clock.millis();
        log.log(Level.WARNING, "client credentials could not be read at init ({0}); requests are denied"
            + " IDP_UNAVAILABLE until a retry (at most every {1} s) succeeds", e.getMessage(),
            RETRY_INTERVAL.toSeconds());
      }
      return source;
    }
    Optional<String> clientId = config.optional(CLIENT_ID);
    Optional<String> clientSecret = config.optional(CLIENT_SECRET);
    if (clientId.isPresent() && clientSecret.isPresent()) {
      log.log(Level.WARNING, "client credentials come from AUTHORIZER_CLIENT_ID/AUTHORIZER_CLIENT_SECRET; "
          + "use AUTHORIZER_CLIENT_SECRET_ID (AWS Secrets Manager) outside local use");
      return new ClientCredentialsSource(null, null, null, null, null,
          new ClientCredentials(clientId.get(), clientSecret.get()), log, clock);
    }
    throw new ConfigurationException(config.variable(CLIENT_SECRET_ID), "is required: the name or ARN of a Secrets "
        + "Manager secret holding {\"client_id\":...,\"client_secret\":...} (or, for local use only, set "
        + config.variable(CLIENT_ID) + " and " + config.variable(CLIENT_SECRET) + ")");
  }

  /** The credentials in memory, or {@code null} while a first read that may pass has not yet succeeded. */
  public ClientCredentials current() {
    return current;
  }

  /**
   * The credentials for a request: those in memory, or, while a first read that may pass has not succeeded, the
   * result of reading the secret again now (at most once per {@link #RETRY_INTERVAL}, within the deadline).
   *
   * @throws TokenRejectedException {@code IDP_UNAVAILABLE} while the secret cannot be read yet (or the deadline passed),
   *     {@code CONFIGURATION_ERROR} once a read found that the secret cannot be used
   */
  public ClientCredentials current(Deadline deadline) throws TokenRejectedException {
    ClientCredentials known = current;
    if (known != null) {
      return known;
    }
    if (!lock(deadline)) {
      throw unavailable("the deadline passed while another request read the client credentials");
    }
    try {
      if (current != null) {
        return current;
      }
      long now = clock.millis();
      if (lastFailure != null && !lastFailure.isRetryable()) {
        throw configurationError(lastFailure);
      }
      if (now - lastRetry < RETRY_INTERVAL.toMillis()) {
        throw unavailable("client credentials are not readable yet; the next retry is at most "
            + RETRY_INTERVAL.toSeconds() + " s after the last");
      }
      lastRetry = now;
      try {
        ClientCredentials read = read(deadline);
        current = read;
        lastFailure = null;
        log.log(Level.INFO, "client credentials read after an earlier failure");
        return read;
      } catch (SecretUnavailableException e) {
        lastFailure = e;
        log.log(Level.WARNING, "reading client credentials failed again: {0}", e.getMessage());
        if (!e.isRetryable()) {
          throw configurationError(e);
        }
        throw unavailable("client credentials are not readable yet");
      }
    } finally {
      readLock.unlock();
    }
  }

  /** {@link #refresh(ClientCredentials, Deadline)} with no request deadline. */
  public Optional<ClientCredentials> refresh(ClientCredentials rejected) {
    return refresh(rejected, Deadline.none());
  }

  /**
   * Reads the secret again after the IdP rejected {@code rejected} (a rotated secret). When another caller already
   * replaced those credentials, the current ones are returned without a read; otherwise the secret is read at most once
   * per {@link #MIN_REREAD_INTERVAL}, so that permanently wrong credentials, or a burst of 401s, cannot turn every
   * request into a Secrets Manager call. The read, and any wait for another caller's, ends by the {@code deadline}.
   *
   * @return credentials other than {@code rejected}, or empty when there are none to try
   */
  public Optional<ClientCredentials> refresh(ClientCredentials rejected, Deadline deadline) {
    ClientCredentials now = current;
    if (!now.equals(rejected)) {
      return Optional.of(now);
    }
    if (secretId == null || !lock(deadline)) {
      return Optional.empty();
    }
    try {
      if (!current.equals(rejected)) {
        return Optional.of(current);
      }
      long nowNanos = System.nanoTime();
      if (lastReread != 0 && nowNanos - lastReread < MIN_REREAD_INTERVAL.toNanos()) {
        return Optional.empty();
      }
      lastReread = nowNanos;
      try {
        ClientCredentials fresh = read(deadline);
        current = fresh;
        return fresh.equals(rejected) ? Optional.empty() : Optional.of(fresh);
      } catch (SecretUnavailableException e) {
        log.log(Level.WARNING, "re-reading client credentials failed: {0}", e.getMessage());
        return Optional.empty();
      }
    } finally {
      readLock.unlock();
    }
  }

  private boolean lock(Deadline deadline) {
    try {
      return readLock.tryLock(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static TokenRejectedException unavailable(String detail) {
    return new TokenRejectedException(ReasonCode.IDP_UNAVAILABLE, detail);
  }

  private TokenRejectedException configurationError(SecretUnavailableException e) {
    return new TokenRejectedException(ReasonCode.CONFIGURATION_ERROR, variable + " names a secret that cannot be used: "
        + e.getMessage());
  }

  /** Reads and parses the secret; within the deadline during a request, {@code null} at init. */
  private ClientCredentials read(Deadline deadline) {
    String value = deadline == null ? secrets.secretString(secretId) : secrets.secretString(secretId, deadline);
    Map<String, Object> json;
    try {
      json = StrictJson.parseObject(value.getBytes(StandardCharsets.UTF_8));
    } catch (StrictJson.MalformedJsonException e) {
      throw new SecretUnavailableException("secret " + secretId + " is not a JSON object (" + e.getMessage() + ")");
    }
    String id = Claims.string(json, idKey).filter(s -> !s.isEmpty()).orElseThrow(() ->
        new SecretUnavailableException("secret " + secretId + " has no string member '" + idKey + "'"));
    String secret = Claims.string(json, secretKey).filter(s -> !s.isEmpty()).orElseThrow(() ->
        new SecretUnavailableException("secret " + secretId + " has no string member '" + secretKey + "'"));
    return new ClientCredentials(id, secret);
  }
}
