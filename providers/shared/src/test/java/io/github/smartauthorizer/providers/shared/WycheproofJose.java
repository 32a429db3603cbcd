package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs whole compact JWS strings of the Wycheproof JOSE files through the validator's JWS layer
 * ({@link JwtValidator#verifyJws}: the front door, the header rules, the key from a JWKS fetched over loopback by the
 * real {@link JwksCache}, the signature), with the group's key as the only key and, unless the caller says otherwise,
 * an allow-list of exactly that key's algorithm (attacks.md §1.2). Validators are built once per key and allow-list.
 */
final class WycheproofJose implements AutoCloseable {
  private final JwksLoopback server = new JwksLoopback();
  private final TestClock clock = new TestClock();
  private final Map<String, JwtValidator> validators = new HashMap<>();

  /** The outcome of one JWS: empty when accepted, else the reason code. */
  Optional<ReasonCode> verify(String jwks, Set<JwsAlgorithm> allowed, String jws) {
    JwtValidator validator = validators.computeIfAbsent(jwks + "|" + allowed, k -> build(jwks, allowed));
    try {
      validator.verifyJws(jws);
      return Optional.empty();
    } catch (TokenRejectedException e) {
      return Optional.of(e.rejection().reason());
    }
  }

  private JwtValidator build(String jwks, Set<JwsAlgorithm> allowed) {
    server.serve(jwks);
    Set<JwsAlgorithm> algorithms = allowed.isEmpty() ? EnumSet.noneOf(JwsAlgorithm.class) : EnumSet.copyOf(allowed);
    JwksCache cache = server.cache(algorithms, clock);
    cache.prefetch();
    return JwtValidator.builder().issuer("https://issuer.example").algorithms(algorithms).keys(cache).clock(clock)
        .build();
  }

  /** A JWKS document holding one JWK, or the group's keyset as it is. */
  @SuppressWarnings("unchecked")
  static String jwks(Object keyOrKeySet) {
    Map<String, Object> map = (Map<String, Object>) keyOrKeySet;
    return map.containsKey("keys") ? TestKeys.json(map) : TestKeys.json(Map.of("keys", List.of(map)));
  }

  /** The keys of a group's key or keyset. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> keys(Object keyOrKeySet) {
    Map<String, Object> map = (Map<String, Object>) keyOrKeySet;
    return map.containsKey("keys") ? (List<Map<String, Object>>) map.get("keys") : List.of(map);
  }

  /** A copy of a JWK with another {@code alg}. */
  static Map<String, Object> withAlg(Map<String, Object> jwk, String alg) {
    Map<String, Object> copy = new LinkedHashMap<>(jwk);
    copy.put("alg", alg);
    return copy;
  }

  /** The {@code alg} of a compact JWS header, if it decodes. */
  static Optional<String> headerAlg(String jws) {
    try {
      String header = new String(Base64Url.decode(jws.substring(0, jws.indexOf('.'))), StandardCharsets.UTF_8);
      return Claims.string(StrictJson.parseObject(header.getBytes(StandardCharsets.UTF_8)), "alg");
    } catch (RuntimeException | StrictJson.MalformedJsonException e) {
      return Optional.empty();
    }
  }

  /** The allow-list for a key: its {@code alg} when we support it, else the token's, else nothing. */
  static Set<JwsAlgorithm> allowList(Map<String, Object> jwk, String jws) {
    Optional<JwsAlgorithm> keyAlg = Claims.string(jwk, "alg").flatMap(JwsAlgorithm::byName);
    if (keyAlg.isPresent()) {
      return EnumSet.of(keyAlg.get());
    }
    if (jwk.containsKey("alg")) {
      return Set.of();
    }
    return headerAlg(jws).flatMap(JwsAlgorithm::byName).map(EnumSet::of).orElse(EnumSet.noneOf(JwsAlgorithm.class));
  }

  @Override
  public void close() {
    server.close();
  }
}
