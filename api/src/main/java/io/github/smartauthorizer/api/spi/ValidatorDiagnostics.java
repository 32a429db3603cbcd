package io.github.smartauthorizer.api.spi;

import java.util.List;
import java.util.Objects;

/**
 * What a validator says about itself for the {@code check} command and the init log: how it decides, what it would
 * call, what it holds now, and what is wrong. Immutable. Nothing here may contain a secret or a token.
 *
 * @param validation how tokens are decided, e.g. "JWTs verified locally against the issuer's JWKS"
 * @param endpoints the remote endpoints a request may call (JWKS, discovery, introspection URLs), possibly empty
 * @param state what it fetched or holds now, e.g. "2 verification keys cached after 1 fetch"; empty when nothing
 * @param problems what failed and makes requests fail until it is fixed (e.g. "no verification key could be
 *     fetched"); empty when the validator is ready. {@code check} fails when this is not empty.
 */
public record ValidatorDiagnostics(String validation, List<String> endpoints, String state, List<String> problems) {

  public ValidatorDiagnostics {
    Objects.requireNonNull(validation, "validation");
    endpoints = List.copyOf(endpoints);
    state = state == null ? "" : state;
    problems = List.copyOf(problems);
  }

  /** Diagnostics that only say how tokens are decided. */
  public static ValidatorDiagnostics of(String validation) {
    return new ValidatorDiagnostics(validation, List.of(), "", List.of());
  }

  /** Whether nothing is known to be wrong. */
  public boolean ready() {
    return problems.isEmpty();
  }
}
