package io.github.smartauthorizer.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The throwaway CA and server certificate: an HTTPS issuer that a client trusting only the trust store accepts. */
class ThrowawayTlsTest {
  @TempDir
  Path directory;

  @Test
  void theIssuerOverHttpsIsTrustedThroughTheTrustStoreFileAndNotWithout() throws Exception {
    ThrowawayTls tls = ThrowawayTls.create(directory);
    try (LoopbackIssuer issuer = LoopbackIssuer.start(tls.serverContext())) {
      assertTrue(issuer.issuer().startsWith("https://127.0.0.1:"));
      KeyStore trust = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(tls.trustStore())) {
        trust.load(in, ThrowawayTls.PASSWORD.toCharArray());
      }
      assertEquals(tls.roots(), trust.size());
      assertTrue(trust.isCertificateEntry("smart-authorizer-cold-start-ca"));
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext client = SSLContext.getInstance("TLS");
      client.init(null, factory.getTrustManagers(), null);

      HttpsURLConnection connection = (HttpsURLConnection) URI.create(issuer.issuer() + "/jwks").toURL()
          .openConnection();
      connection.setSSLSocketFactory(client.getSocketFactory());
      try (InputStream in = connection.getInputStream()) {
        assertEquals(issuer.jwksJson(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        X509Certificate server = (X509Certificate) connection.getServerCertificates()[0];
        assertEquals("CN=localhost", server.getSubjectX500Principal().getName());
        assertTrue(server.getSubjectAlternativeNames().stream().anyMatch(name -> name.get(1).equals("127.0.0.1")));
        assertEquals(2, connection.getServerCertificates().length); // the server's and the CA's
      }

      // The JDK's default trust store alone does not trust it.
      HttpsURLConnection untrusted = (HttpsURLConnection) URI.create(issuer.issuer() + "/jwks").toURL()
          .openConnection();
      assertThrows(SSLHandshakeException.class, untrusted::getInputStream);
    }
  }

  @Test
  void theTrustStoreNeedsNoPasswordLikeTheJdksCacerts() throws Exception {
    ThrowawayTls tls = ThrowawayTls.create(directory);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(tls.trustStore())) {
      trust.load(in, null); // certificates neither encrypted nor under a MAC
    }
    assertEquals(tls.roots(), trust.size());
  }
}
