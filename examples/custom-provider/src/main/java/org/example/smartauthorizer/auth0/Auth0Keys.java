package org.example.smartauthorizer.auth0;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tenant's RS256 signing keys from {@code https://{tenant}/.well-known/jwks.json}, fetched with the JDK's
 * {@link HttpClient} and kept in memory. Thread-safe.
 *
 * <p>Fetched at init with the init timeout; afterwards refetched (with the request timeout) when a token names an
 * unknown {@code kid}, at most once per {@link #REFETCH_INTERVAL} (so random kids cannot flood the tenant; once a
 * second while no key is known), and when the
 * keys are older than {@link #MAX_AGE} (a failed refresh keeps the known keys: Auth0 rotates by hand and lists the
 * next key ahead of use). Only RSA keys for signatures of at least 2048 bits are kept; a JWKS with duplicate kids is
 * refused whole. Redirects are not followed and a document over 256 KiB is refused.
 */
final class Auth0Keys {
  static final Duration REFETCH_INTERVAL = Duration.ofSeconds(30);
  static final Duration MAX_AGE = Duration.ofHours(1);
  /** While no key is known, a request may try again this often. */
  static final Duration RETRY_WITHOUT_KEYS = Duration.ofSeconds(1);
  private static final int MAX_DOCUMENT_BYTES = 256 * 1024;

  private final URI jwksUri;
  private final HttpClient client;
  private final Duration requestTimeout;
  private final Clock clock;
  private final System.Logger log;

  private volatile Map<String, RSAPublicKey> keys = Map.of();
  private volatile Instant fetchedAt = Instant.MIN;
  private volatile Instant lastAttempt = Instant.MIN;

  Auth0Keys(URI jwksUri, Duration requestTimeout, Duration connectTimeout, Clock clock, System.Logger log) {
    this.jwksUri = jwksUri;
    this.client = HttpClient.newBuilder()
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
    this.requestTimeout = requestTimeout;
    this.clock = clock;
    this.log = log;
  }

  /** Fetches the keys now (at init); a failure is logged, not thrown, and the first request tries again. */
  boolean prefetch(Duration timeout) {
    fetch(timeout);
    if (keys.isEmpty()) {
      return false;
    }
    lastAttempt = Instant.MIN; // a key rotated right after init may be fetched at once
    return true;
  }

  /** How many keys are known. */
  int size() {
    return keys.size();
  }

  /**
   * The key with this kid, refetching once when it is unknown or the keys are old.
   *
   * @throws Unavailable when no keys could ever be fetched
   */
  RSAPublicKey key(String kid) throws Unavailable {
    Instant now = clock.instant();
    RSAPublicKey key = keys.get(kid);
    boolean old = now.isAfter(fetchedAt.plus(MAX_AGE));
    if ((key == null || old) && mayFetch(now)) {
      synchronized (this) {
        if (mayFetch(clock.instant())) {
          fetch(requestTimeout);
        }
      }
      key = keys.get(kid);
    }
    if (key == null && keys.isEmpty()) {
      throw new Unavailable();
    }
    return key;
  }

  private boolean mayFetch(Instant now) {
    return now.isAfter(lastAttempt.plus(keys.isEmpty() ? RETRY_WITHOUT_KEYS : REFETCH_INTERVAL));
  }

  /** No keys are known: the JWKS could not be fetched. */
  static final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;

    Unavailable() {
      super("no signing keys: the JWKS could not be fetched", null, false, false);
    }
  }

  private synchronized void fetch(Duration timeout) {
    lastAttempt = clock.instant();
    try {
      HttpRequest request = HttpRequest.newBuilder(jwksUri).timeout(timeout).header("Accept", "application/json")
          .GET().build();
      HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      byte[] body;
      try (InputStream in = response.body()) {
        body = in.readNBytes(MAX_DOCUMENT_BYTES + 1);
      }
      if (response.statusCode() != 200) {
        throw new IOException("HTTP " + response.statusCode());
      }
      if (body.length > MAX_DOCUMENT_BYTES) {
        throw new IOException("JWKS larger than " + MAX_DOCUMENT_BYTES + " bytes");
      }
      keys = parse(body);
      fetchedAt = clock.instant();
      log.log(Level.DEBUG, "fetched " + keys.size() + " signing keys from " + jwksUri);
    } catch (IOException | Json.MalformedException | GeneralSecurityException | IllegalArgumentException e) {
      log.log(Level.WARNING, "JWKS fetch from " + jwksUri + " failed: " + e.getClass().getSimpleName() + ": "
          + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.log(Level.WARNING, "JWKS fetch from " + jwksUri + " interrupted");
    }
  }

  static Map<String, RSAPublicKey> parse(byte[] document) throws Json.MalformedException, GeneralSecurityException {
    Object keyList = Json.parseObject(document).get("keys");
    if (!(keyList instanceof List<?> entries)) {
      throw new Json.MalformedException("JWKS has no keys array");
    }
    Map<String, RSAPublicKey> parsed = new HashMap<>();
    KeyFactory factory = KeyFactory.getInstance("RSA");
    for (Object entry : entries) {
      if (!(entry instanceof Map<?, ?> jwk)) {
        throw new Json.MalformedException("JWKS entry is not an object");
      }
      if (jwk.containsKey("d") || jwk.containsKey("p")) {
        throw new Json.MalformedException("JWKS holds private key material");
      }
      if (!"RSA".equals(jwk.get("kty")) || !(jwk.get("kid") instanceof String kid)
          || (jwk.containsKey("use") && !"sig".equals(jwk.get("use")))
          || (jwk.containsKey("alg") && !"RS256".equals(jwk.get("alg")))
          || !(jwk.get("n") instanceof String n) || !(jwk.get("e") instanceof String e)) {
        continue;
      }
      BigInteger modulus = new BigInteger(1, Base64.getUrlDecoder().decode(n));
      if (modulus.bitLength() < 2048) {
        continue;
      }
      BigInteger exponent = new BigInteger(1, Base64.getUrlDecoder().decode(e));
      RSAPublicKey key = (RSAPublicKey) factory.generatePublic(new RSAPublicKeySpec(modulus, exponent));
      if (parsed.put(kid, key) != null) {
        throw new Json.MalformedException("JWKS has duplicate kids");
      }
    }
    return Map.copyOf(parsed);
  }
}
