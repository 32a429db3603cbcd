package io.github.smartauthorizer.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.lambda.Cli;
import io.github.smartauthorizer.providers.shared.JwksLoopback;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The deployment jar's command-line entry point wires the toolkit's HTTP client into the tool: {@code smart-metadata}
 * reads a real discovery document over it, and its refusals (an HTTP error, a redirect it does not follow) end in the
 * usage exit code with a message, not a stack trace.
 */
class SmartAuthorizerCliTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int smartMetadata(String issuer) {
    return Cli.run(new String[] {"smart-metadata", "--issuer", issuer, "--output", "json"}, Map.of(),
        InputStream.nullInputStream(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), new ToolkitDocumentFetcher());
  }

  @Test
  void smartMetadataReadsTheDiscoveryDocumentThroughTheToolkitClient() {
    try (JwksLoopback idp = new JwksLoopback()) {
      String issuer = idp.uri("/realms/smart").toString();
      idp.serve("{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer + "/auth\","
          + "\"token_endpoint\":\"" + issuer + "/token\",\"jwks_uri\":\"" + issuer + "/certs\"}");

      assertEquals(0, smartMetadata(issuer), err.toString(StandardCharsets.UTF_8));

      String json = out.toString(StandardCharsets.UTF_8);
      assertTrue(json.contains("\"token_endpoint\":\"" + issuer + "/token\""), json);
      assertEquals(java.util.List.of("/realms/smart/.well-known/openid-configuration"), idp.requests());
    }
  }

  @Test
  void anHttpErrorOrARedirectIsAUsageErrorWithAMessage() {
    try (JwksLoopback idp = new JwksLoopback()) {
      for (int status : new int[] {404, 302}) {
        err.reset();
        idp.answer(status, "{}");

        assertEquals(2, smartMetadata(idp.uri("/realms/smart").toString()));

        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("answered HTTP " + status), message);
      }
    }
  }
}
