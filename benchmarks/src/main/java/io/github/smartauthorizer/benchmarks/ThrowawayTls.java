package io.github.smartauthorizer.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A throwaway certificate authority and a server certificate for {@code 127.0.0.1} and {@code localhost}, made at
 * the start of a harness run with the JDK's own APIs (no BouncyCastle, no {@code keytool} processes): RSA 2048 keys,
 * SHA256withRSA, valid for two days. The certificates are written in DER by {@link #certificate} (the few X.509 fields
 * a TLS client checks) and read back by the JDK's {@link CertificateFactory}, which rejects a malformed one.
 *
 * <p>The trust store handed to the measured JVM ({@code -Djavax.net.ssl.trustStore}) holds the JDK's own root
 * certificates plus this CA, so that the measured JVM parses as many roots as it would with the default trust store
 * against a real issuer; like the JDK's {@code cacerts}, it is a PKCS12 file without encryption of its certificates
 * and without an integrity MAC, so that loading it costs no password-based key derivation that {@code cacerts} does
 * not cost either.
 */
final class ThrowawayTls {
  static final String PASSWORD = "changeit";

  private final SSLContext serverContext;
  private final Path trustStore;
  private final int roots;

  private ThrowawayTls(SSLContext serverContext, Path trustStore, int roots) {
    this.serverContext = serverContext;
    this.trustStore = trustStore;
    this.roots = roots;
  }

  /** Makes the CA and the server certificate and writes the trust store into {@code directory}. */
  static ThrowawayTls create(Path directory) throws IOException, GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair caKeys = generator.generateKeyPair();
    KeyPair serverKeys = generator.generateKeyPair();
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).withNano(0);
    String ca = "CN=smart-authorizer cold-start throwaway CA";
    X509Certificate caCert = certificate(ca, ca, caKeys.getPublic().getEncoded(), caKeys.getPrivate(), now, true);
    X509Certificate serverCert = certificate(ca, "CN=localhost", serverKeys.getPublic().getEncoded(),
        caKeys.getPrivate(), now, false);
    serverCert.verify(caKeys.getPublic());

    KeyStore serverStore = KeyStore.getInstance("PKCS12");
    serverStore.load(null, null);
    serverStore.setKeyEntry("server", serverKeys.getPrivate(), PASSWORD.toCharArray(),
        new Certificate[] {serverCert, caCert});
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(serverStore, PASSWORD.toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);

    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    Path cacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
    if (Files.isRegularFile(cacerts)) {
      KeyStore jdk = KeyStore.getInstance(KeyStore.getDefaultType());
      try (InputStream in = Files.newInputStream(cacerts)) {
        jdk.load(in, null);
      }
      for (String alias : Collections.list(jdk.aliases())) {
        if (jdk.isCertificateEntry(alias)) {
          trust.setCertificateEntry(alias, jdk.getCertificate(alias));
        }
      }
    }
    trust.setCertificateEntry("smart-authorizer-cold-start-ca", caCert);
    Path trustStore = directory.resolve("truststore.p12");
    String protection = System.getProperty("keystore.pkcs12.certProtectionAlgorithm");
    String mac = System.getProperty("keystore.pkcs12.macAlgorithm");
    System.setProperty("keystore.pkcs12.certProtectionAlgorithm", "NONE");
    System.setProperty("keystore.pkcs12.macAlgorithm", "NONE");
    try (OutputStream out = Files.newOutputStream(trustStore)) {
      trust.store(out, PASSWORD.toCharArray());
    } finally {
      restore("keystore.pkcs12.certProtectionAlgorithm", protection);
      restore("keystore.pkcs12.macAlgorithm", mac);
    }
    Files.writeString(directory.resolve("ca.pem"), pem(caCert));
    return new ThrowawayTls(context, trustStore, trust.size());
  }

  private static void restore(String property, String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }

  /** The server side: the key and certificate chain for the issuer's {@code HttpsServer}. */
  SSLContext serverContext() {
    return serverContext;
  }

  Path trustStore() {
    return trustStore;
  }

  /** How many certificates the trust store holds (the JDK's roots and the CA). */
  int roots() {
    return roots;
  }

  /** The options that make the measured JVM trust the issuer. */
  List<String> jvmOptions() {
    return List.of("-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStorePassword="
        + PASSWORD);
  }

  private static String pem(X509Certificate certificate) throws GeneralSecurityException {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(certificate.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }

  // --- X.509 v3 in DER (RFC 5280 §4.1) ---

  private static final byte[] SHA256_WITH_RSA = seq(oid("1.2.840.113549.1.1.11"), new byte[] {0x05, 0x00});

  /**
   * A certificate signed with {@code signer}: a CA (basic constraints CA, key usage keyCertSign and cRLSign) or a TLS
   * server (key usage digitalSignature and keyEncipherment, extended key usage serverAuth, subject alternative names
   * IP 127.0.0.1 and DNS localhost). Names are a single common name.
   */
  static X509Certificate certificate(String issuer, String subject, byte[] subjectPublicKeyInfo, PrivateKey signer,
      ZonedDateTime now, boolean ca) throws GeneralSecurityException {
    byte[] extensions;
    if (ca) {
      extensions = seq(
          extension("2.5.29.19", true, seq(der(0x01, new byte[] {(byte) 0xff}))),
          // keyCertSign (bit 5) and cRLSign (bit 6): 0b0000_0110, one unused bit
          extension("2.5.29.15", true, der(0x03, new byte[] {0x01, 0x06})));
    } else {
      extensions = seq(
          extension("2.5.29.19", true, seq()),
          // digitalSignature (bit 0) and keyEncipherment (bit 2): 0b1010_0000, five unused bits
          extension("2.5.29.15", true, der(0x03, new byte[] {0x05, (byte) 0xa0})),
          extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.1"))),
          extension("2.5.29.17", false, seq(der(0x87, new byte[] {127, 0, 0, 1}),
              der(0x82, "localhost".getBytes(StandardCharsets.US_ASCII)))));
    }
    byte[] serial = new BigInteger(63, new SecureRandom()).add(BigInteger.ONE).toByteArray();
    byte[] tbs = seq(
        der(0xa0, der(0x02, new byte[] {2})),
        der(0x02, serial),
        SHA256_WITH_RSA,
        name(issuer),
        seq(time(now.minusHours(1)), time(now.plusDays(2))),
        name(subject),
        subjectPublicKeyInfo,
        der(0xa3, extensions));
    Signature signature = Signature.getInstance("SHA256withRSA");
    signature.initSign(signer);
    signature.update(tbs);
    byte[] signed = signature.sign();
    byte[] bits = new byte[signed.length + 1];
    System.arraycopy(signed, 0, bits, 1, signed.length);
    byte[] encoded = seq(tbs, SHA256_WITH_RSA, der(0x03, bits));
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(encoded));
  }

  private static byte[] extension(String oid, boolean critical, byte[] value) {
    return critical ? seq(oid(oid), der(0x01, new byte[] {(byte) 0xff}), der(0x04, value))
        : seq(oid(oid), der(0x04, value));
  }

  /** {@code CN=value} as a Name: a sequence of one set of one attribute, the value a UTF8String. */
  private static byte[] name(String commonName) {
    String value = commonName.substring("CN=".length());
    return seq(der(0x31, seq(oid("2.5.4.3"), der(0x0c, value.getBytes(StandardCharsets.UTF_8)))));
  }

  private static byte[] time(ZonedDateTime time) {
    return der(0x17, time.format(DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'", Locale.ROOT))
        .getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] oid(String dotted) {
    String[] arcs = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
    for (int i = 2; i < arcs.length; i++) {
      long arc = Long.parseLong(arcs[i]);
      int groups = 1;
      for (long rest = arc >>> 7; rest != 0; rest >>>= 7) {
        groups++;
      }
      for (int g = groups - 1; g >= 0; g--) {
        out.write((int) ((arc >>> (7 * g)) & 0x7f) | (g == 0 ? 0 : 0x80));
      }
    }
    return der(0x06, out.toByteArray());
  }

  private static byte[] seq(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return der(0x30, out.toByteArray());
  }

  /** A DER tag-length-value. */
  private static byte[] der(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int length = value.length;
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = length > 0xffff ? 3 : length > 0xff ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(length >>> (8 * i));
      }
    }
    out.writeBytes(value);
    return out.toByteArray();
  }
}
