package io.github.smartauthorizer.providers.shared;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Checks an Ed25519 public key encoding (RFC 8032 §5.1.3) before it is trusted: the y coordinate canonical
 * ({@code y < p}), the point on the curve, and not one of the eight points of small order, with which a signature can
 * verify for many messages. The JDK decodes points only when verifying, and does not refuse small-order keys.
 */
final class Ed25519Points {
  static final int ENCODED_LENGTH = 32;

  private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
  /** d = -121665/121666 mod p. */
  private static final BigInteger D = BigInteger.valueOf(-121665)
      .multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
  /** sqrt(-1) = 2^((p-1)/4) mod p. */
  private static final BigInteger SQRT_MINUS_ONE = BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);

  /** The canonical encodings of the points of order 1, 2, 4 and 8 (checked: 8P is the identity for each). */
  private static final List<byte[]> SMALL_ORDER = List.of(
      hex("0100000000000000000000000000000000000000000000000000000000000000"),
      hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
      hex("0000000000000000000000000000000000000000000000000000000000000080"),
      hex("0000000000000000000000000000000000000000000000000000000000000000"),
      hex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
      hex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"),
      hex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
      hex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85"));

  private Ed25519Points() {}

  private static byte[] hex(String value) {
    return HexFormat.of().parseHex(value);
  }

  /** Whether a 32-byte encoding is a canonical point on the curve that is not of small order. */
  static boolean isAcceptablePublicKey(byte[] encoded) {
    if (encoded.length != ENCODED_LENGTH) {
      return false;
    }
    for (byte[] small : SMALL_ORDER) {
      if (Arrays.equals(small, encoded)) {
        return false;
      }
    }
    byte[] bigEndian = new byte[ENCODED_LENGTH];
    for (int i = 0; i < ENCODED_LENGTH; i++) {
      bigEndian[i] = encoded[ENCODED_LENGTH - 1 - i];
    }
    boolean xOdd = (bigEndian[0] & 0x80) != 0;
    bigEndian[0] &= 0x7F;
    BigInteger y = new BigInteger(1, bigEndian);
    if (y.compareTo(P) >= 0) {
      return false;
    }
    // x^2 = (y^2 - 1) / (d y^2 + 1) (RFC 8032 §5.1.3 steps 2-4)
    BigInteger y2 = y.multiply(y).mod(P);
    BigInteger u = y2.subtract(BigInteger.ONE).mod(P);
    BigInteger v = D.multiply(y2).add(BigInteger.ONE).mod(P);
    BigInteger x2 = u.multiply(v.modInverse(P)).mod(P);
    if (x2.signum() == 0) {
      return !xOdd;
    }
    BigInteger x = x2.modPow(P.add(BigInteger.valueOf(3)).shiftRight(3), P);
    if (!x.multiply(x).mod(P).equals(x2)) {
      x = x.multiply(SQRT_MINUS_ONE).mod(P);
    }
    return x.multiply(x).mod(P).equals(x2);
  }
}
