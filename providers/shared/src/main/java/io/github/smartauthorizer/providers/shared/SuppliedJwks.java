package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A JWKS supplied up front, read once at init: {@code AUTHORIZER_JWKS_FILE}, the path of a JWKS file (a Lambda
 * layer's {@code /opt/jwks.json}), or {@code AUTHORIZER_JWKS}, the JWKS document itself. It is parsed under the key
 * policy of {@link JwkSetParser}, as a fetched one is; every problem is a {@link ConfigurationException} naming the
 * variable, since nothing at request time could mend it: both variables set, a missing or unreadable file, a document
 * over {@link JwtSettings#MAX_DOCUMENT_BYTES}, one the policy refuses whole, or one left without a usable key (keys
 * skipped by the policy while others remain are logged, as for a fetch: a verbatim copy of an IdP's JWKS may hold
 * encryption keys).
 */
final class SuppliedJwks {
  private SuppliedJwks() {}

  /**
   * The supplied keys, or empty when neither variable is set.
   *
   * @param algorithms the allowed algorithms, which bind the keys as for a fetched JWKS
   * @throws ConfigurationException naming the variable at fault
   */
  static Optional<JwkSet> read(Configuration config, Set<JwsAlgorithm> algorithms, System.Logger log) {
    Optional<String> inline = config.optional(JwtSettings.JWKS);
    Optional<String> file = config.optional(JwtSettings.JWKS_FILE);
    if (inline.isPresent() && file.isPresent()) {
      throw new ConfigurationException(config.variable(JwtSettings.JWKS_FILE), "cannot be set together with "
          + config.variable(JwtSettings.JWKS) + ": supply the keys one way");
    }
    if (inline.isEmpty() && file.isEmpty()) {
      return Optional.empty();
    }
    String variable = config.variable(inline.isPresent() ? JwtSettings.JWKS : JwtSettings.JWKS_FILE);
    byte[] document = inline.isPresent() ? bounded(variable, inline.get().getBytes(StandardCharsets.UTF_8))
        : readFile(variable, file.get());
    JwkSetParser.Result result;
    try {
      result = new JwkSetParser(algorithms).parse(document);
    } catch (JwkSetParser.InvalidJwksException e) {
      throw new ConfigurationException(variable, "expects a JWKS of the issuer's public keys, {\"keys\":[...]}: "
          + e.getMessage());
    }
    if (result.keys().size() == 0) {
      throw new ConfigurationException(variable, "holds no key usable with the allowed algorithms "
          + names(algorithms) + (result.skipped().isEmpty() ? "" : ": " + String.join("; ", result.skipped())));
    }
    for (String skipped : result.skipped()) {
      log.log(Level.INFO, "JWKS key of {0} not used: {1}", variable, skipped);
    }
    return Optional.of(result.keys());
  }

  private static byte[] readFile(String variable, String location) {
    String expectation = "expects the path of a JWKS file of the issuer's public keys, e.g. /opt/jwks.json from a"
        + " Lambda layer";
    try {
      Path path = Path.of(location);
      if (Files.size(path) > JwtSettings.MAX_DOCUMENT_BYTES) {
        throw new ConfigurationException(variable, "names a file larger than " + JwtSettings.MAX_DOCUMENT_BYTES
            + " bytes");
      }
      return bounded(variable, Files.readAllBytes(path));
    } catch (NoSuchFileException e) {
      throw new ConfigurationException(variable, "names a file that does not exist: '" + location + "'; "
          + expectation);
    } catch (IOException | InvalidPathException e) {
      throw new ConfigurationException(variable, expectation + ", and '" + location + "' cannot be read: "
          + e.getClass().getSimpleName());
    }
  }

  private static byte[] bounded(String variable, byte[] bytes) {
    if (bytes.length > JwtSettings.MAX_DOCUMENT_BYTES) {
      throw new ConfigurationException(variable, "holds a document larger than " + JwtSettings.MAX_DOCUMENT_BYTES
          + " bytes");
    }
    return bytes;
  }

  private static String names(Set<JwsAlgorithm> algorithms) {
    Set<String> names = new TreeSet<>();
    algorithms.forEach(a -> names.add(a.name()));
    return names.toString();
  }
}
