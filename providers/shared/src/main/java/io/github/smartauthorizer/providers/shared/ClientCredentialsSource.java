package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.api.spi.SecretSource;
import io.github.smartauthorizer.api.spi.SecretUnavailableException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The client credentials a provider uses to call its IdP, read once at init and kept in memory, and read again once
 * when the IdP rejects them (a rotated secret). Thread-safe.
 *
 * <p>From a secret ({@code AUTHORIZER_CLIENT_SECRET_ID}, a Secrets Manager name or ARN) whose string is JSON
 * {@code {"client_id": "...", "client_secret": "..."}}, the key names configurable with
 * {@code AUTHORIZER_CLIENT_ID_KEY} and {@code AUTHORIZER_CLIENT_SECRET_KEY}; or, for local use only, from
 * {@code AUTHORIZER_CLIENT_ID} and {@code AUTHORIZER_CLIENT_SECRET}, with a warning in the log.
 */
public final class ClientCredentialsSource {
  private final SecretSource secrets;
  private final String secretId;
  private final String idKey;
  private final String secretKey;
  private final System.Logger log;
  private volatile ClientCredentials current;
  private long lastReread;

  /** At most one re-read of the secret per this interval. */
  public static final Duration MIN_REREAD_INTERVAL = Duration.ofSeconds(30);

  private ClientCredentialsSource(SecretSource secrets, String secretId, String idKey, String secretKey,
      ClientCredentials initial, System.Logger log) {
    this.secrets = secrets;
    this.secretId = secretId;
    this.idKey = idKey;
    this.secretKey = secretKey;
    this.current = initial;
    this.log = log;
  }

  /** Fixed credentials (tests, local use). */
  public static ClientCredentialsSource fixed(ClientCredentials credentials) {
    return new ClientCredentialsSource(null, null, null, null, credentials, System.getLogger("credentials"));
  }

  /**
   * Reads the configured credentials now (at init).
   *
   * @throws ConfigurationException when neither a secret id nor local credentials are configured, or the secret cannot
   *     be read or parsed
   */
  public static ClientCredentialsSource fromConfiguration(Configuration config, SecretSource secrets,
      System.Logger log) {
    Optional<String> secretId = config.optional("CLIENT_SECRET_ID");
    if (secretId.isPresent()) {
      String idKey = config.optional("CLIENT_ID_KEY").orElse("client_id");
      String secretKey = config.optional("CLIENT_SECRET_KEY").orElse("client_secret");
      ClientCredentialsSource source =
          new ClientCredentialsSource(secrets, secretId.get(), idKey, secretKey, null, log);
      try {
        source.current = source.read();
      } catch (SecretUnavailableException e) {
        throw new ConfigurationException(config.variable("CLIENT_SECRET_ID"),
            "names a secret that cannot be used: " + e.getMessage());
      }
      return source;
    }
    Optional<String> clientId = config.optional("CLIENT_ID");
    Optional<String> clientSecret = config.optional("CLIENT_SECRET");
    if (clientId.isPresent() && clientSecret.isPresent()) {
      log.log(Level.WARNING, "client credentials come from AUTHORIZER_CLIENT_ID/AUTHORIZER_CLIENT_SECRET; "
          + "use AUTHORIZER_CLIENT_SECRET_ID (AWS Secrets Manager) outside local use");
      return new ClientCredentialsSource(null, null, null, null,
          new ClientCredentials(clientId.get(), clientSecret.get()), log);
    }
    throw new ConfigurationException(config.variable("CLIENT_SECRET_ID"), "is required: the name or ARN of a Secrets "
        + "Manager secret holding {\"client_id\":...,\"client_secret\":...} (or, for local use only, set "
        + config.variable("CLIENT_ID") + " and " + config.variable("CLIENT_SECRET") + ")");
  }

  /** The credentials in memory. */
  public ClientCredentials current() {
    return current;
  }

  /**
   * Reads the secret again after the IdP rejected {@code rejected} (a rotated secret). When another caller already
   * replaced those credentials, the current ones are returned without a read; otherwise the secret is read at most once
   * per {@link #MIN_REREAD_INTERVAL}, so that permanently wrong credentials, or a burst of 401s, cannot turn every
   * request into a Secrets Manager call.
   *
   * @return credentials other than {@code rejected}, or empty when there are none to try
   */
  public Optional<ClientCredentials> refresh(ClientCredentials rejected) {
    ClientCredentials now = current;
    if (!now.equals(rejected)) {
      return Optional.of(now);
    }
    if (secretId == null) {
      return Optional.empty();
    }
    synchronized (this) {
      if (!current.equals(rejected)) {
        return Optional.of(current);
      }
      long nowNanos = System.nanoTime();
      if (lastReread != 0 && nowNanos - lastReread < MIN_REREAD_INTERVAL.toNanos()) {
        return Optional.empty();
      }
      lastReread = nowNanos;
      try {
        ClientCredentials fresh = read();
        current = fresh;
        return fresh.equals(rejected) ? Optional.empty() : Optional.of(fresh);
      } catch (SecretUnavailableException e) {
        log.log(Level.WARNING, "re-reading client credentials failed: {0}", e.getMessage());
        return Optional.empty();
      }
    }
  }

  private ClientCredentials read() {
    String value = secrets.secretString(secretId);
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
