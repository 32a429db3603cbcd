package org.example.smartauthorizer.auth0;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A stand-in for an Auth0 tenant on 127.0.0.1: an issuer with Auth0's trailing slash, its JWKS at
 * {@code /.well-known/jwks.json}, and RS256 access tokens shaped like Auth0's (providers.md §5), signed with the JDK.
 */
final class TestTenant implements AutoCloseable {
  static final String ENDPOINT =
      "https://healthlake.us-east-1.amazonaws.com/datastore/0123456789abcdef0123456789abcdef/r4/";

  final KeyPair key;
  final KeyPair otherKey;
  final String kid = "auth0-key-1";
  private final HttpServer server;
  private final AtomicInteger jwksRequests = new AtomicInteger();
  private volatile String jwks;

  TestTenant() throws IOException, GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    key = generator.generateKeyPair();
    otherKey = generator.generateKeyPair();
    jwks = jwks(Map.of(kid, (RSAPublicKey) key.getPublic()));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/.well-known/jwks.json", exchange -> {
      jwksRequests.incrementAndGet();
      byte[] body = jwks.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  /** {@code http://127.0.0.1:{port}/}: with the trailing slash, as Auth0's issuers have it. */
  String issuer() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  int jwksRequests() {
    return jwksRequests.get();
  }

  /** Publishes these keys instead. */
  void publish(Map<String, RSAPublicKey> keys) {
    jwks = jwks(keys);
  }

  /** The claims of a default-dialect user access token for the data store, valid for an hour. */
  Map<String, Object> claims() {
    long now = Instant.now().getEpochSecond();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", issuer());
    claims.put("sub", "auth0|patient-456");
    claims.put("aud", List.of(ENDPOINT, issuer() + "userinfo"));
    claims.put("iat", now);
    claims.put("exp", now + 3600);
    claims.put("azp", "smart-app-client");
    claims.put("scope", "openid fhirUser launch/patient patient/Observation.rs");
    claims.put("fhirUser", "Patient/456");
    claims.put("launch_response_patient", "456");
    return claims;
  }

  String token(Map<String, Object> claims) {
    return token(Map.of("alg", "RS256", "typ", "JWT", "kid", kid), claims, key);
  }

  String token(Map<String, Object> header, Map<String, Object> claims, KeyPair signer) {
    try {
      String signingInput = b64(json(header)) + "." + b64(json(claims));
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(signer.getPrivate());
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  /** Minimal JSON for test values: strings, numbers, booleans and lists of strings. */
  static String json(Map<String, Object> members) {
    return members.entrySet().stream().map(e -> quote(e.getKey()) + ":" + value(e.getValue()))
        .collect(Collectors.joining(",", "{", "}"));
  }

  private static String value(Object value) {
    if (value instanceof String s) {
      return quote(s);
    }
    if (value instanceof List<?> list) {
      return list.stream().map(TestTenant::value).collect(Collectors.joining(",", "[", "]"));
    }
    return String.valueOf(value);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static String jwks(Map<String, RSAPublicKey> keys) {
    return keys.entrySet().stream().map(e -> "{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":"
        + quote(e.getKey()) + ",\"n\":\"" + unsigned(e.getValue().getModulus()) + "\",\"e\":\""
        + unsigned(e.getValue().getPublicExponent()) + "\"}").collect(Collectors.joining(",", "{\"keys\":[", "]}"));
  }

  private static String unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes[0] == 0 && bytes.length > 1) {
      bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A HealthLake event for the data store carrying this token. */
  static String event(String token) {
    return "{\"datastoreEndpoint\":\"" + ENDPOINT + "\",\"operationName\":\"SearchWithGet\",\"bearerToken\":\""
        + token + "\"}";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
