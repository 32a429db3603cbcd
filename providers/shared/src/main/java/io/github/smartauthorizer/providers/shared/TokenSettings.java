package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.spi.Configuration;
import java.time.Duration;

/** The token settings shared by JWT and introspection providers, read the same way for both. */
final class TokenSettings {
  private TokenSettings() {}

  /** {@code AUTHORIZER_CLOCK_SKEW_SECONDS}: 0 to 300, default 60. */
  static Duration clockSkew(Configuration config) {
    return config.seconds("CLOCK_SKEW_SECONDS", Duration.ofSeconds(60), 0, 300);
  }

  /** {@code AUTHORIZER_MAX_TOKEN_BYTES}: 512 to 65536, default 8192. */
  static int maxTokenBytes(Configuration config) {
    return (int) config.number("MAX_TOKEN_BYTES", 8192, 512, 65_536);
  }
}
