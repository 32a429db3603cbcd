package io.github.smartauthorizer.providers.shared;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The verification keys of one JWKS document, by {@code kid}. Immutable and thread-safe. */
public final class JwkSet {
  private final Map<String, VerificationKey> byKid;
  private final List<VerificationKey> all;

  JwkSet(Collection<VerificationKey> keys) {
    Map<String, VerificationKey> map = new LinkedHashMap<>();
    for (VerificationKey key : keys) {
      if (key.kid() != null) {
        map.put(key.kid(), key);
      }
    }
    this.byKid = Collections.unmodifiableMap(map);
    this.all = List.copyOf(keys);
  }

  /** The key with this id. */
  public Optional<VerificationKey> byKid(String kid) {
    return Optional.ofNullable(byKid.get(kid));
  }

  /**
   * The one key usable for a token without {@code kid}: only when exactly one key of the set is bound to the token's
   * algorithm, so that no guessing among keys ever happens.
   */
  public Optional<VerificationKey> soleKeyFor(JwsAlgorithm algorithm) {
    List<VerificationKey> matching = new ArrayList<>();
    for (VerificationKey key : all) {
      if (key.algorithm() == algorithm) {
        matching.add(key);
      }
    }
    return matching.size() == 1 ? Optional.of(matching.get(0)) : Optional.empty();
  }

  /** Every key. */
  public List<VerificationKey> keys() {
    return all;
  }

  public int size() {
    return all.size();
  }
}
