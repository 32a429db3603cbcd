package io.github.smartauthorizer.providers.shared;

import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Hands java-jwt's signature check the three encoded segments of a {@link CompactJws}, which is all
 * {@code Algorithm.verify} reads. The header and claims were already parsed strictly by {@link StrictJson}; this avoids
 * a second, lenient parse and keeps Jackson off the hot path. Every other accessor is unsupported on purpose.
 */
final class JwsSigningInput implements DecodedJWT {
  private final String token;
  private final String header;
  private final String payload;
  private final String signature;

  JwsSigningInput(String token) {
    this.token = token;
    int first = token.indexOf('.');
    int second = token.indexOf('.', first + 1);
    this.header = token.substring(0, first);
    this.payload = token.substring(first + 1, second);
    this.signature = token.substring(second + 1);
  }

  @Override
  public String getToken() {
    return token;
  }

  @Override
  public String getHeader() {
    return header;
  }

  @Override
  public String getPayload() {
    return payload;
  }

  @Override
  public String getSignature() {
    return signature;
  }

  @Override
  public String getKeyId() {
    return null;
  }

  @Override
  public String getAlgorithm() {
    throw unsupported();
  }

  @Override
  public String getType() {
    throw unsupported();
  }

  @Override
  public String getContentType() {
    throw unsupported();
  }

  @Override
  public Claim getHeaderClaim(String name) {
    throw unsupported();
  }

  @Override
  public String getIssuer() {
    throw unsupported();
  }

  @Override
  public String getSubject() {
    throw unsupported();
  }

  @Override
  public List<String> getAudience() {
    throw unsupported();
  }

  @Override
  public Date getExpiresAt() {
    throw unsupported();
  }

  @Override
  public Date getNotBefore() {
    throw unsupported();
  }

  @Override
  public Date getIssuedAt() {
    throw unsupported();
  }

  @Override
  public String getId() {
    throw unsupported();
  }

  @Override
  public Claim getClaim(String name) {
    throw unsupported();
  }

  @Override
  public Map<String, Claim> getClaims() {
    throw unsupported();
  }

  private static UnsupportedOperationException unsupported() {
    return new UnsupportedOperationException("claims are read by StrictJson, not java-jwt");
  }
}
