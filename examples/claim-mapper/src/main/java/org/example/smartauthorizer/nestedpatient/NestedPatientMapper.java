package org.example.smartauthorizer.nestedpatient;

import io.github.smartauthorizer.api.AuthPayload;
import io.github.smartauthorizer.api.ClaimMapper;
import io.github.smartauthorizer.api.HealthLakeRequest;
import io.github.smartauthorizer.api.VerifiedToken;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The mapping of another mapper (the standard one), with {@code patient} taken from the nested claim
 * {@code context.patient} when the token has it as a non-empty string; otherwise the other mapper's {@code patient}
 * (the claim {@code AUTHORIZER_PATIENT_CLAIM} names) stands. Immutable and thread-safe; never throws.
 */
final class NestedPatientMapper implements ClaimMapper {
  static final String CONTEXT_CLAIM = "context";
  static final String PATIENT_MEMBER = "patient";

  private final ClaimMapper standard;

  NestedPatientMapper(ClaimMapper standard) {
    this.standard = Objects.requireNonNull(standard, "standard");
  }

  @Override
  public AuthPayload map(VerifiedToken token, HealthLakeRequest request) {
    AuthPayload payload = standard.map(token, request);
    return patient(token.claims()).map(id -> payload.toBuilder().patient(id).build()).orElse(payload);
  }

  /** {@code context.patient} of verified claims, when it is a non-empty string. */
  static Optional<String> patient(Map<String, Object> claims) {
    if (claims.get(CONTEXT_CLAIM) instanceof Map<?, ?> context && context.get(PATIENT_MEMBER) instanceof String id
        && !id.isEmpty()) {
      return Optional.of(id);
    }
    return Optional.empty();
  }
}
