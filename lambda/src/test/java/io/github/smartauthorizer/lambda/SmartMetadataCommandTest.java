package io.github.smartauthorizer.lambda;

import static io.github.smartauthorizer.lambda.LambdaFixtures.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code smart-metadata}: the HealthLake Metadata from a real discovery document, validated, in every form. */
class SmartMetadataCommandTest {
  private static MockOAuth2Server server;
  private static String issuer;

  private final LambdaFixtures.CapturedStream stdout = new LambdaFixtures.CapturedStream();
  private final LambdaFixtures.CapturedStream stderr = new LambdaFixtures.CapturedStream();
  private HttpServer documentServer;

  @BeforeAll
  static void startIssuer() {
    server = new MockOAuth2Server();
    server.start(InetAddress.getLoopbackAddress(), 0);
    issuer = server.issuerUrl("smart").toString();
  }

  @AfterAll
  static void stopIssuer() {
    server.shutdown();
  }

  @AfterEach
  void stopDocumentServer() {
    if (documentServer != null) {
      documentServer.stop(0);
    }
  }

  private int run(String... args) {
    List<String> all = new ArrayList<>(List.of("smart-metadata"));
    all.addAll(List.of(args));
    return Cli.run(all.toArray(String[]::new), Map.of(), InputStream.nullInputStream(), stdout.stream, stderr.stream,
        SmartMetadataCommandTest::getJson);
  }

  /** A plain JDK fetcher: what the command does with the document is under test here, not the HTTP client. */
  private static byte[] getJson(java.net.URI uri, java.time.Duration timeout, int maxBytes) throws java.io.IOException {
    try {
      java.net.http.HttpResponse<byte[]> response = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(uri).timeout(timeout).build(),
          java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() / 100 != 2) {
        throw new java.io.IOException("answered HTTP " + response.statusCode());
      }
      return response.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.IOException(e);
    }
  }

  /** An issuer at {@code http://127.0.0.1:port} whose discovery document is {@code json} with its issuer filled in. */
  private String serve(String json) throws IOException {
    documentServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    String base = "http://127.0.0.1:" + documentServer.getAddress().getPort();
    byte[] body = json.replace("ISSUER", base).getBytes(StandardCharsets.UTF_8);
    documentServer.createContext("/.well-known/openid-configuration", exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    documentServer.start();
    return base;
  }

  @Test
  void printsTheMetadataJsonAndItsEscapedFormFromTheDiscoveryDocument() {
    int exit = run("--issuer", issuer);

    assertEquals(0, exit, stderr.text());
    List<String> lines = stdout.text().lines().toList();
    assertEquals(2, lines.size(), stdout.text());
    Map<String, Object> metadata = parse(lines.get(0));
    assertEquals(issuer, metadata.get("issuer"));
    assertEquals(server.jwksUrl("smart").toString(), metadata.get("jwks_uri"));
    assertEquals(server.authorizationEndpointUrl("smart").toString(), metadata.get("authorization_endpoint"));
    assertEquals(server.tokenEndpointUrl("smart").toString(), metadata.get("token_endpoint"));
    assertEquals(List.of("authorization_code"), metadata.get("grant_types_supported"),
        "the OIDC default when the IdP does not say");
    assertEquals(List.of("S256"), metadata.get("code_challenge_methods_supported"));
    assertEquals(SmartMetadataCommand.DEFAULT_CAPABILITIES, metadata.get("capabilities"));
    assertEquals(List.of("client_secret_basic"), metadata.get("token_endpoint_auth_methods_supported"));
    assertEquals(issuer + "/introspect", metadata.get("introspection_endpoint"));
    assertEquals(issuer + "/revoke", metadata.get("revocation_endpoint"));
    assertFalse(metadata.containsKey("scopes_supported"), "left out when unknown");

    Map<String, Object> configuration = parse("{\"Metadata\":" + lines.get(1) + "}");
    assertEquals(lines.get(0), configuration.get("Metadata"), "the escaped form is the same JSON as a string");
  }

  @Test
  void capabilitiesGrantTypesAndScopesComeFromTheFlags() {
    int exit = run("--issuer", issuer, "--output", "json", "--capability", "launch-ehr,client-confidential-symmetric",
        "--capability", "permission-v2", "--grant-types", "client_credentials,authorization_code", "--scopes",
        "launch/patient,patient/*.rs");

    assertEquals(0, exit, stderr.text());
    Map<String, Object> metadata = parse(stdout.text().trim());
    assertEquals(List.of("launch-ehr", "client-confidential-symmetric", "permission-v2"), metadata.get("capabilities"));
    assertEquals(List.of("client_credentials", "authorization_code"), metadata.get("grant_types_supported"));
    assertEquals(List.of("launch/patient", "patient/*.rs"), metadata.get("scopes_supported"));
  }

  @Test
  void theTyposOfAwsExamplesAreRefused() {
    assertEquals(2, run("--issuer", issuer, "--grant-types", "client_credential"));
    assertTrue(stderr.text().contains("client_credentials"), stderr.text());
    stderr.reset();

    assertEquals(2, run("--issuer", issuer, "--capability", "sso-openId-connect"));
    assertTrue(stderr.text().contains("unknown SMART capability 'sso-openId-connect'"), stderr.text());
    assertEquals("", stdout.text());
  }

  @Test
  void anIssuerThatDiffersFromTheDocumentsByATrailingSlashIsRefused() {
    int exit = run("--issuer", issuer + "/");

    assertEquals(2, exit);
    assertTrue(stderr.text().contains("trailing slash"), stderr.text());
    assertEquals("", stdout.text());
  }

  @Test
  void escapedAndSamParameterOutputs() {
    assertEquals(0, run("--issuer", issuer, "--output", "escaped"), stderr.text());
    String escaped = stdout.text().trim();
    assertTrue(escaped.startsWith("\"{\\\"issuer\\\":\\\"" + issuer + "\\\""), escaped);
    stdout.reset();

    assertEquals(0, run("--issuer", issuer, "--output", "sam-parameters", "--grant-types", "authorization_code"));
    String parameters = stdout.text().trim();
    assertTrue(parameters.startsWith("Issuer=" + issuer + " JwksUri=" + server.jwksUrl("smart")), parameters);
    assertTrue(parameters.contains(" GrantTypes=authorization_code "), parameters);
    assertTrue(parameters.endsWith(" Capabilities=" + String.join(",", SmartMetadataCommand.DEFAULT_CAPABILITIES)),
        parameters);
    assertFalse(parameters.contains("\""), "no quotes: the pairs pass through a shell and SAM's parser as they are");
  }

  @Test
  void grantTypesAreNarrowedToThoseHealthLakeKnows() throws IOException {
    String base = serve("{\"issuer\":\"ISSUER/\",\"authorization_endpoint\":\"ISSUER/authorize\","
        + "\"token_endpoint\":\"ISSUER/oauth/token\",\"jwks_uri\":\"ISSUER/.well-known/jwks.json\","
        + "\"grant_types_supported\":[\"authorization_code\",\"implicit\",\"refresh_token\",\"client_credentials\"],"
        + "\"token_endpoint_auth_methods_supported\":[\"client_secret_basic\",\"private_key_jwt\"],"
        + "\"scopes_supported\":[\"openid\",\"fhirUser\"],\"code_challenge_methods_supported\":[\"S256\"]}");

    assertEquals(0, run("--issuer", base + "/", "--output", "json"), stderr.text());

    Map<String, Object> metadata = parse(stdout.text().trim());
    assertEquals(base + "/", metadata.get("issuer"), "an Auth0-style issuer keeps its trailing slash");
    assertEquals(List.of("authorization_code", "client_credentials"), metadata.get("grant_types_supported"));
    assertEquals(List.of("client_secret_basic", "private_key_jwt"),
        metadata.get("token_endpoint_auth_methods_supported"));
    assertEquals(List.of("openid", "fhirUser"), metadata.get("scopes_supported"));
    assertNull(metadata.get("introspection_endpoint"));
    assertEquals("", stderr.text(), "no warning when S256 is advertised");
  }

  @Test
  void aDocumentWithoutTheRequiredEndpointsIsRefused() throws IOException {
    String base = serve("{\"issuer\":\"ISSUER\",\"authorization_endpoint\":\"ISSUER/authorize\","
        + "\"jwks_uri\":\"ISSUER/keys\"}");

    assertEquals(2, run("--issuer", base));
    assertTrue(stderr.text().contains("no token_endpoint"), stderr.text());
  }

  @Test
  void anIdpWithoutAUsableGrantTypeOrWithoutS256IsReported() throws IOException {
    String base = serve("{\"issuer\":\"ISSUER\",\"authorization_endpoint\":\"ISSUER/authorize\","
        + "\"token_endpoint\":\"ISSUER/token\",\"grant_types_supported\":[\"implicit\"],"
        + "\"code_challenge_methods_supported\":[\"plain\"]}");

    assertEquals(2, run("--issuer", base));
    assertTrue(stderr.text().contains("neither authorization_code nor client_credentials"), stderr.text());
    stderr.reset();

    assertEquals(0, run("--issuer", base, "--grant-types", "authorization_code", "--output", "json"));
    assertTrue(stderr.text().contains("warning: the IdP does not advertise PKCE S256"), stderr.text());
    assertEquals(List.of("S256"), parse(stdout.text().trim()).get("code_challenge_methods_supported"));
  }

  @Test
  void anUnreachableIssuerExitsTwoNamingTheUrl() throws IOException {
    String base = serve("{}");
    documentServer.stop(0);
    documentServer = null;

    assertEquals(2, run("--issuer", base, "--timeout-ms", "500"));
    assertTrue(stderr.text().contains(base + "/.well-known/openid-configuration"), stderr.text());
  }

  @Test
  void usageErrorsExitTwoWithTheUsageAndHelpExitsZero() {
    for (String[] args : List.of(new String[] {}, new String[] {"--issuer"}, new String[] {"--issuer", "not a url"},
        new String[] {"--issuer", issuer, "--output", "yaml"}, new String[] {"--issuer", issuer, "--bogus", "x"},
        new String[] {"--issuer", issuer, "--timeout-ms", "0"})) {
      stderr.reset();
      assertEquals(2, run(args), String.join(" ", args));
      assertTrue(stderr.text().contains("usage:"), stderr.text());
    }
    assertEquals(0, run("--help"));
    assertTrue(stdout.text().contains("--capability"), stdout.text());
  }
}
