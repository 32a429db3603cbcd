package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A compact JWS (RFC 7515 §7.1) that passed the front door: at most {@code maxBytes} long, exactly three segments of
 * canonical base64url, header and payload strict JSON objects. Nothing here is verified yet; only the signature check
 * makes the header and payload trustworthy. Immutable.
 */
public final class CompactJws {
  private final String token;
  private final int firstDot;
  private final int secondDot;
  private final Map<String, Object> header;
  private final Map<String, Object> payload;
  private final byte[] signature;

  private CompactJws(String token, int firstDot, int secondDot, Map<String, Object> header,
      Map<String, Object> payload, byte[] signature) {
    this.token = token;
    this.firstDot = firstDot;
    this.secondDot = secondDot;
    this.header = header;
    this.payload = payload;
    this.signature = signature;
  }

  /**
   * Parses a token strictly, before any cryptography.
   *
   * @throws TokenRejectedException {@code TOKEN_TOO_LARGE} or {@code MALFORMED_TOKEN}
   */
  public static CompactJws parse(String token, int maxBytes) throws TokenRejectedException {
    return parse(token, maxBytes, true, header -> { });
  }

  /**
   * Parses a token strictly and applies {@code headerRule} to the header as soon as it is decoded, before the payload
   * is: a token the header alone condemns (a disallowed {@code alg}, {@code crit}, a nested JWT whose payload is not
   * JSON) is refused for that reason, and its payload is never decoded.
   */
  static CompactJws parse(String token, int maxBytes, HeaderRule headerRule) throws TokenRejectedException {
    return parse(token, maxBytes, true, headerRule);
  }

  /** A check of the decoded header. */
  @FunctionalInterface
  interface HeaderRule {
    void check(Map<String, Object> header) throws TokenRejectedException;
  }

  /**
   * Parses a compact JWS whose payload need not be JSON (RFC 7515 allows any octets, even none): the same front door
   * for the header and the signature, for checking signatures alone (the Wycheproof JWS vectors). {@link #payload()}
   * is then empty.
   */
  static CompactJws parseJws(String token, int maxBytes) throws TokenRejectedException {
    return parse(token, maxBytes, false, header -> { });
  }

  private static CompactJws parse(String token, int maxBytes, boolean jsonPayload, HeaderRule headerRule)
      throws TokenRejectedException {
    if (token.length() > maxBytes) {
      throw new TokenRejectedException(ReasonCode.TOKEN_TOO_LARGE, "token longer than " + maxBytes + " bytes");
    }
    if (token.isEmpty()) {
      throw new TokenRejectedException(ReasonCode.MALFORMED_TOKEN, "empty token");
    }
    int firstDot = token.indexOf('.');
    int secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
    if (firstDot < 0 || secondDot < 0 || token.indexOf('.', secondDot + 1) >= 0) {
      throw new TokenRejectedException(ReasonCode.MALFORMED_TOKEN, "not three dot-separated segments");
    }
    if (firstDot == 0 || (jsonPayload && secondDot == firstDot + 1) || secondDot == token.length() - 1) {
      throw new TokenRejectedException(ReasonCode.MALFORMED_TOKEN, "empty segment");
    }
    Map<String, Object> header = decodeJson(token.substring(0, firstDot), "header");
    headerRule.check(header);
    Map<String, Object> payload;
    if (jsonPayload) {
      payload = decodeJson(token.substring(firstDot + 1, secondDot), "payload");
    } else {
      try {
        Base64Url.decode(token.substring(firstDot + 1, secondDot));
      } catch (IllegalArgumentException e) {
        throw new TokenRejectedException(ReasonCode.MALFORMED_TOKEN, "payload: " + e.getMessage());
      }
      payload = Map.of();
    }
    byte[] signature;
    try {
      signature = Base64Url.decode(token.substring(secondDot + 1));
    } catch (IllegalArgumentException e) {
      throw new TokenRejectedException(ReasonCode.MALFORMED_TOKEN, "signature: " + e.getMessage());
    }
    return new CompactJws(token, firstDot, secondDot, header, payload, signature);
  }

  private static Map<String, Object> decodeJson(String segment, String what) throws TokenRejectedException {
    byte[] bytes;
    try {
      bytes = Base64Url.decode(segment);
    } catch (IllegalArgumentException e) {
      throw new TokenRejectedException(ReasonCode.MALFORMED_TOKEN, what + ": " + e.getMessage());
    }
    try {
      return StrictJson.parseObject(bytes);
    } catch (StrictJson.MalformedJsonException e) {
      throw new TokenRejectedException(ReasonCode.MALFORMED_TOKEN, what + ": " + e.getMessage());
    }
  }

  /** The whole token as received. */
  public String token() {
    return token;
  }

  /** The JOSE header, unverified. */
  public Map<String, Object> header() {
    return header;
  }

  /** The claim set, unverified. */
  public Map<String, Object> payload() {
    return payload;
  }

  /** The JWS signing input {@code base64url(header) "." base64url(payload)} as ASCII bytes. */
  public byte[] signingInput() {
    return signingInputBytes();
  }

  /** The decoded signature bytes (a copy). */
  public byte[] signature() {
    return signature.clone();
  }

  /** The signing input, freshly encoded (the token is ASCII: the front door admitted nothing else). */
  byte[] signingInputBytes() {
    return token.substring(0, secondDot).getBytes(StandardCharsets.US_ASCII);
  }

  /** The decoded signature itself, not a copy: for {@link VerificationKey} only, which does not modify it. */
  byte[] signatureBytes() {
    return signature;
  }

  /** The encoded header segment. */
  String headerSegment() {
    return token.substring(0, firstDot);
  }
}
