package io.github.smartauthorizer.it.keycloak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The one Keycloak of a test run, with the realms of {@link SmartRealm}; get it through {@link KeycloakExtension}.
 *
 * <p>It starts on first use (in the mode {@link KeycloakMode#choose} picks, printed as one line) and stops at the end of
 * the run, when JUnit closes its root store, or at the latest when the JVM exits (a shutdown hook, which also covers
 * Ctrl-C). A start failure is remembered: later test classes fail at once with the same cause instead of waiting again.
 *
 * <p><b>Stopping it in a test.</b> {@link #stop()} stops it for everyone: a test that needs Keycloak down calls
 * {@link #stop()} and then, when done, {@link #restart()} (or relies on the extension, which starts it again before the
 * next test class, at the cost of a second start). In the dist mode a restart keeps the ports, so the issuer stays the
 * same; in the container mode the base URL and issuer change (read them again). Either way the database is fresh:
 * new signing keys, no sessions. In the external mode stopping is impossible and such tests are skipped.
 *
 * <p><b>Freezing it in a test.</b> {@link #pause()} freezes Keycloak without stopping it (a hung IdP: connections are
 * accepted, nothing answers); {@link #resume()} undoes it, with the same keys, sessions and base URL. A test that
 * pauses resumes in a {@code finally}; {@link #stop()} resumes first. Skipped in the external mode.
 *
 * <p>Thread-safe; the helpers may be called from parallel tests.
 */
public final class Keycloak {
  private static final Keycloak SHARED = new Keycloak();

  private KeycloakMode.Choice choice;
  private volatile Backend backend;
  private volatile URI base;
  private RuntimeException startFailure;
  private boolean shutdownHookInstalled;

  private Keycloak() {}

  /** The instance of this JVM; it may not be running yet (see {@link #ensureRunning()}). */
  public static Keycloak shared() {
    return SHARED;
  }

  /** Starts Keycloak unless it runs; throws the earlier failure again if a start failed in this run. */
  public synchronized Keycloak ensureRunning() {
    if (base != null) {
      return this;
    }
    if (startFailure != null) {
      throw new IllegalStateException("Keycloak failed to start earlier in this run", startFailure);
    }
    try {
      start();
    } catch (RuntimeException e) {
      startFailure = e;
      throw e;
    }
    return this;
  }

  /** Stops Keycloak (skips the calling test in the external mode); {@link #restart()} or the extension start it again. */
  public synchronized void stop() {
    Assumptions.assumeTrue(canStop(), "an external Keycloak cannot be stopped by the tests");
    stopQuietly();
  }

  /** Stops Keycloak if it runs and starts it again; see the class comment for what changes. */
  public synchronized Keycloak restart() {
    Assumptions.assumeTrue(canStop(), "an external Keycloak cannot be restarted by the tests");
    stopQuietly();
    startFailure = null;
    return ensureRunning();
  }

  /** Freezes the running Keycloak (skips the calling test where that is impossible); see the class comment. */
  public synchronized void pause() {
    Assumptions.assumeTrue(canStop() && backend != null && backend.canPause(),
        "this Keycloak cannot be paused by the tests");
    if (base == null) {
      throw new IllegalStateException("Keycloak is not running");
    }
    backend.pause();
  }

  /** Undoes {@link #pause()}; does nothing when Keycloak is not paused. */
  public synchronized void resume() {
    if (backend != null) {
      backend.resume();
    }
  }

  public synchronized boolean isRunning() {
    return base != null;
  }

  /** The mode of this run (choosing it if nothing was started yet). */
  public synchronized KeycloakMode mode() {
    return choice().mode();
  }

  /** Whether the tests may stop this Keycloak (not in the external mode). */
  public synchronized boolean canStop() {
    return choice().mode() != KeycloakMode.EXTERNAL;
  }

  // ---- addresses ----

  /** The base URL, e.g. {@code http://127.0.0.1:40123}, without a trailing slash. */
  public String baseUrl() {
    URI current = base;
    if (current == null) {
      throw new IllegalStateException("Keycloak is not running");
    }
    return current.toString();
  }

  /** {@code {base}/realms/smart}. */
  public String issuer() {
    return issuer(SmartRealm.REALM);
  }

  public String issuer(String realm) {
    return baseUrl() + "/realms/" + realm;
  }

  public String discoveryUrl(String realm) {
    return issuer(realm) + "/.well-known/openid-configuration";
  }

  public String tokenEndpoint() {
    return tokenEndpoint(SmartRealm.REALM);
  }

  public String tokenEndpoint(String realm) {
    return issuer(realm) + "/protocol/openid-connect/token";
  }

  public String introspectionEndpoint() {
    return tokenEndpoint(SmartRealm.REALM) + "/introspect";
  }

  /** {@code {base}/realms/smart/protocol/openid-connect/revoke} (RFC 7009). */
  public String revocationEndpoint() {
    return issuer() + "/protocol/openid-connect/revoke";
  }

  public String jwksUri() {
    return jwksUri(SmartRealm.REALM);
  }

  public String jwksUri(String realm) {
    return issuer(realm) + "/protocol/openid-connect/certs";
  }

  /** The admin REST API root, {@code {base}/admin/realms}; {@code /smart/keys} below it lists realm smart's keys. */
  public String adminApi() {
    return baseUrl() + "/admin/realms";
  }

  // ---- tokens ----

  /** A {@code client_credentials} token of {@link SmartRealm#BACKEND_CLIENT} in realm smart; {@code scope} may be null. */
  public TokenResponse clientCredentials(String scope) {
    return clientCredentials(SmartRealm.REALM, SmartRealm.BACKEND_CLIENT, SmartRealm.BACKEND_SECRET, scope);
  }

  /** A {@code client_credentials} token of a confidential client (HTTP Basic); {@code scope} may be null. */
  public TokenResponse clientCredentials(String realm, String clientId, String secret, String scope) {
    return token(realm, clientId, secret, Http.form("grant_type", "client_credentials", "scope", scope));
  }

  /** A password-grant token of the test user through {@link SmartRealm#APP_CLIENT}, with {@link SmartRealm#USER_SCOPE}. */
  public TokenResponse userToken() {
    return password(SmartRealm.USER, SmartRealm.USER_PASSWORD, SmartRealm.USER_SCOPE);
  }

  /** A password-grant token of a user of realm smart through {@link SmartRealm#APP_CLIENT}. */
  public TokenResponse password(String username, String password, String scope) {
    return token(SmartRealm.REALM, SmartRealm.APP_CLIENT, SmartRealm.APP_SECRET,
        Http.form("grant_type", "password", "username", username, "password", password, "scope", scope));
  }

  /** Calls a realm's token endpoint and fails unless it answers 200 with an access token. */
  public TokenResponse token(String realm, String clientId, String secret, Map<String, String> form) {
    HttpResponse<String> response = postToken(realm, clientId, secret, form);
    if (response.statusCode() != 200) {
      throw new IllegalStateException("token endpoint of realm " + realm + " answered " + response.statusCode() + ": "
          + response.body());
    }
    Map<String, Object> json = Jwts.json(response.body());
    if (!(json.get("access_token") instanceof String accessToken)) {
      throw new IllegalStateException("token endpoint answer without access_token: " + json.keySet());
    }
    return new TokenResponse(accessToken, json.get("scope") instanceof String s ? s : null, json);
  }

  /** Calls a realm's token endpoint and returns the raw answer (to assert on errors such as {@code invalid_scope}). */
  public HttpResponse<String> postToken(String realm, String clientId, String secret, Map<String, String> form) {
    return call(() -> Http.postForm(URI.create(tokenEndpoint(realm)), clientId, secret, form));
  }

  /** Introspects a token of realm smart as {@link SmartRealm#AUTHORIZER_CLIENT}; the parsed answer. */
  public Map<String, Object> introspect(String token) {
    HttpResponse<String> response = call(() -> Http.postForm(URI.create(introspectionEndpoint()),
        SmartRealm.AUTHORIZER_CLIENT, SmartRealm.AUTHORIZER_SECRET, Http.form("token", token)));
    if (response.statusCode() != 200) {
      throw new IllegalStateException("introspection answered " + response.statusCode() + ": " + response.body());
    }
    return Jwts.json(response.body());
  }

  /**
   * Revokes a token of realm smart at the revocation endpoint (RFC 7009), authenticated as the client it was issued
   * to; fails unless Keycloak answers 200. Introspection then answers {@code active:false}.
   */
  public void revoke(String token, String clientId, String secret) {
    HttpResponse<String> response = call(() -> Http.postForm(URI.create(revocationEndpoint()), clientId, secret,
        Http.form("token", token)));
    if (response.statusCode() != 200) {
      throw new IllegalStateException("revocation answered " + response.statusCode() + ": " + response.body());
    }
  }

  // ---- administration (key rotation and the like) ----

  /** The id of a user of realm smart, through the admin API. */
  public String userId(String username) {
    HttpResponse<String> response = admin("GET", "/" + SmartRealm.REALM + "/users?exact=true&username="
        + URLEncoder.encode(username, StandardCharsets.UTF_8), null);
    if (response.statusCode() != 200) {
      throw new IllegalStateException("user lookup answered " + response.statusCode() + ": " + response.body());
    }
    Map<String, Object> first = Jwts.jsonArray(response.body()).stream()
        .map(Jwts::asObject)
        .filter(user -> username.equals(user.get("username")))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no user " + username + " in realm " + SmartRealm.REALM));
    return (String) first.get("id");
  }

  /** Ends every session of a user of realm smart (admin API); its tokens' introspection answers turn inactive. */
  public void logout(String username) {
    HttpResponse<String> response = admin("POST", "/" + SmartRealm.REALM + "/users/" + userId(username) + "/logout",
        null);
    if (response.statusCode() != 204) {
      throw new IllegalStateException("logout answered " + response.statusCode() + ": " + response.body());
    }
  }

  /**
   * A master-realm access token of the administrator, through {@code admin-cli} (valid for 60 s by default):
   * {@code admin}/{@code admin}, or for an external Keycloak {@code KEYCLOAK_ADMIN_USERNAME}/{@code _PASSWORD}.
   */
  public String adminToken() {
    boolean external = mode() == KeycloakMode.EXTERNAL;
    String user = external ? env("KEYCLOAK_ADMIN_USERNAME", SmartRealm.ADMIN_USER) : SmartRealm.ADMIN_USER;
    String password = external ? env("KEYCLOAK_ADMIN_PASSWORD", SmartRealm.ADMIN_PASSWORD) : SmartRealm.ADMIN_PASSWORD;
    return token("master", null, null, Http.form("grant_type", "password", "client_id", "admin-cli",
        "username", user, "password", password)).accessToken();
  }

  /**
   * Calls the admin REST API with a fresh admin token.
   *
   * @param method {@code GET}, {@code POST}, {@code PUT} or {@code DELETE}
   * @param path below {@link #adminApi()}, e.g. {@code /smart/components}
   * @param json a JSON body, or null
   */
  public HttpResponse<String> admin(String method, String path, String json) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(adminApi() + path))
        .timeout(Http.REQUEST_TIMEOUT)
        .header("Authorization", "Bearer " + adminToken())
        .header("Accept", "application/json")
        .header("Content-Type", "application/json")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
        .build();
    return call(() -> Http.send(request));
  }

  // ---- lifecycle ----

  private KeycloakMode.Choice choice() {
    if (choice == null) {
      choice = KeycloakMode.choose(System.getenv(), propertiesAsMap(), KeycloakMode::dockerEngineAnswers);
      System.out.println(choice.describe());
    }
    return choice;
  }

  private void start() {
    if (backend == null) {
      backend = switch (choice().mode()) {
        case CONTAINER -> new ContainerBackend();
        case DIST -> new DistBackend();
        case EXTERNAL -> new ExternalBackend();
      };
    }
    if (!shutdownHookInstalled) {
      Runtime.getRuntime().addShutdownHook(new Thread(this::stopFromShutdownHook, "keycloak-stop"));
      shutdownHookInstalled = true;
    }
    try {
      base = backend.start();
    } catch (RuntimeException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting Keycloak", e);
    } catch (Exception e) {
      throw new IllegalStateException("Keycloak did not start: " + e, e);
    }
  }

  /** Stops a running Keycloak; does nothing otherwise. Used at the end of the run. */
  synchronized void stopQuietly() {
    base = null;
    Backend current = backend;
    if (current != null && current.canStop()) {
      current.stop();
    }
  }

  /** Without the monitor: a test thread may hold it (a start in progress) while the JVM exits. */
  private void stopFromShutdownHook() {
    Backend current = backend;
    if (current != null && current.canStop()) {
      current.stop();
    }
  }

  private static String env(String name, String otherwise) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? otherwise : value;
  }

  private static Map<String, String> propertiesAsMap() {
    Map<String, String> map = new HashMap<>();
    System.getProperties().stringPropertyNames().forEach(name -> map.put(name, System.getProperty(name)));
    return map;
  }

  private interface HttpCall {
    HttpResponse<String> send() throws IOException, InterruptedException;
  }

  private static HttpResponse<String> call(HttpCall call) {
    try {
      return call.send();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
