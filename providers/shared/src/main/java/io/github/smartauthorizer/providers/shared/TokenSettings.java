package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.spi.Configuration;
import java.time.Duration;
import java.util.Set;

/** The token settings shared by JWT and introspection providers, read the same way for both. */
final class TokenSettings {
  static final String CLOCK_SKEW_SECONDS = "CLOCK_SKEW_SECONDS";
  static final String MAX_TOKEN_BYTES = "MAX_TOKEN_BYTES";

  /** Every key read here. */
  static final Set<String> SETTING_NAMES = Set.of(CLOCK_SKEW_SECONDS, MAX_TOKEN_BYTES);

  private TokenSettings() {}

  /** {@code AUTHORIZER_CLOCK_SKEW_SECONDS}: 0 to 300, default 60. */
  static Duration clockSkew(Configuration config) {
    return config.seconds(CLOCK_SKEW_SECONDS, Duration.ofSeconds(60), 0, 300);
  }

  /** {@code AUTHORIZER_MAX_TOKEN_BYTES}: 512 to 65536, default 8192. */
  static int maxTokenBytes(Configuration config) {
    return (int) config.number(MAX_TOKEN_BYTES, 8192, 512, 65_536);
  }
}
