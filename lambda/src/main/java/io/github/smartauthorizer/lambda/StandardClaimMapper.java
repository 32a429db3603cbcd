package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.AuthPayload;
import io.github.smartauthorizer.api.ClaimMapper;
import io.github.smartauthorizer.api.HealthLakeRequest;
import io.github.smartauthorizer.api.VerifiedToken;
import java.util.Objects;

/**
 * The HealthLake contract's mapping: {@code iss}, {@code sub}, {@code aud} = the data store endpoint (the token's own
 * audience was checked by the validator), {@code iat}, {@code nbf} = the token's {@code nbf} else {@code iat},
 * {@code exp}, {@code isAuthorized: true}, {@code scope} as issued, and {@code fhirUser} / {@code patient} from the
 * configured claim names ({@code AUTHORIZER_FHIR_USER_CLAIM}, default {@code fhirUser};
 * {@code AUTHORIZER_PATIENT_CLAIM}, default {@code patient}). Immutable.
 */
final class StandardClaimMapper implements ClaimMapper {
  private final String fhirUserClaim;
  private final String patientClaim;

  StandardClaimMapper(String fhirUserClaim, String patientClaim) {
    this.fhirUserClaim = Objects.requireNonNull(fhirUserClaim);
    this.patientClaim = Objects.requireNonNull(patientClaim);
  }

  @Override
  public AuthPayload map(VerifiedToken token, HealthLakeRequest request) {
    return AuthPayload.builder()
        .iss(token.issuer())
        .aud(request.datastoreEndpoint())
        .sub(token.subject())
        .iat(token.times().issuedAt())
        .nbf(token.times().notBeforeOrIssuedAt())
        .exp(token.times().expiresAt())
        .authorized(true)
        .scope(token.scope())
        .fhirUser(token.stringClaim(fhirUserClaim).orElse(null))
        .patient(token.stringClaim(patientClaim).orElse(null))
        .build();
  }
}
