package io.github.smartauthorizer.providers.shared;

import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import java.security.PublicKey;
import java.util.Objects;

/**
 * A public key from a JWKS, bound to exactly one {@link JwsAlgorithm} (RFC 8725 §3.1). Immutable and thread-safe.
 */
public final class VerificationKey {
  private final String kid;
  private final JwsAlgorithm algorithm;
  private final PublicKey publicKey;
  private final Algorithm verifier;

  public VerificationKey(String kid, JwsAlgorithm algorithm, PublicKey publicKey) {
    this.kid = kid;
    this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
    this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
    this.verifier = algorithm.verifier(publicKey);
  }

  /** The key id, or {@code null} when the JWK had none. */
  public String kid() {
    return kid;
  }

  public JwsAlgorithm algorithm() {
    return algorithm;
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /**
   * Verifies a token's signature with this key. ECDSA signatures must have exactly the R‖S length of the curve.
   *
   * @return whether the signature is valid
   */
  public boolean verifies(CompactJws jws) {
    int expectedLength = algorithm.ecdsaSignatureLength();
    if (expectedLength > 0 && jws.signature().length != expectedLength) {
      return false;
    }
    try {
      verifier.verify(new JwsSigningInput(jws.token()));
      return true;
    } catch (SignatureVerificationException | IllegalArgumentException e) {
      return false;
    }
  }
}
