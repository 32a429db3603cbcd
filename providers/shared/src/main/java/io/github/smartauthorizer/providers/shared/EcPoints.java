package io.github.smartauthorizer.providers.shared;

import java.math.BigInteger;
import java.security.spec.ECFieldFp;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;

/** Checks that a public point lies on its curve (invalid-curve attacks), which the JDK's key factory does not. */
final class EcPoints {
  private EcPoints() {}

  static boolean isOnCurve(ECPoint point, ECParameterSpec spec) {
    BigInteger p = ((ECFieldFp) spec.getCurve().getField()).getP();
    BigInteger x = point.getAffineX();
    BigInteger y = point.getAffineY();
    if (x.signum() < 0 || x.compareTo(p) >= 0 || y.signum() < 0 || y.compareTo(p) >= 0) {
      return false;
    }
    BigInteger a = spec.getCurve().getA();
    BigInteger b = spec.getCurve().getB();
    BigInteger left = y.multiply(y).mod(p);
    BigInteger right = x.pow(3).add(a.multiply(x)).add(b).mod(p);
    return left.equals(right);
  }
}
