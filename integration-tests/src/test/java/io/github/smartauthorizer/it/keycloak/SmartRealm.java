package io.github.smartauthorizer.it.keycloak;

/**
 * What the test realms hold ({@code src/test/resources/keycloak/smart-realm.json} and {@code other-realm.json}).
 * Change both together.
 */
public final class SmartRealm {
  /** The realm the authorizer is configured for. */
  public static final String REALM = "smart";
  /** A second realm, for "a token from another issuer" tests. */
  public static final String OTHER_REALM = "other";

  /** The HealthLake data store endpoint every token of both realms carries in {@code aud}. */
  public static final String DATASTORE_ENDPOINT =
      "https://healthlake.us-east-1.amazonaws.com/datastore/0123456789abcdef0123456789abcdef/r4/";

  /**
   * The confidential client that calls token introspection. Every token of realm {@code smart} carries it in
   * {@code aud} (Keycloak 26.4.12+ answers {@code active:false} to a caller not in the audience). No grant is enabled.
   */
  public static final String AUTHORIZER_CLIENT = "healthlake-authorizer";
  public static final String AUTHORIZER_SECRET = "authorizer-secret";

  /**
   * A SMART backend service: {@code client_credentials}, optional scope {@code system/*.read}, {@code client_id}
   * claim, and header {@code typ: at+jwt} (Keycloak's per-client RFC 9068 switch).
   */
  public static final String BACKEND_CLIENT = "healthlake-backend";
  public static final String BACKEND_SECRET = "backend-secret";
  public static final String BACKEND_SCOPE = "system/*.read";

  /**
   * A confidential SMART app with the password grant (direct access) enabled; header {@code typ: JWT}. Optional
   * scopes {@code fhirUser}, {@code launch/patient}, {@code patient/*.read}, {@code user/Observation.rs}; default
   * scope {@code profile} adds {@code preferred_username}, {@code given_name}, {@code family_name}.
   */
  public static final String APP_CLIENT = "smart-app";
  public static final String APP_SECRET = "smart-app-secret";

  /** The test user: a patient with a {@code fhirUser} and a {@code patientId} attribute. */
  public static final String USER = "patient1";
  public static final String USER_PASSWORD = "patient1-password";
  public static final String USER_FHIR_USER = "Patient/example-patient-1";
  public static final String USER_PATIENT = "example-patient-1";
  /** The scopes the password-grant helper requests by default. */
  public static final String USER_SCOPE = "openid fhirUser launch/patient patient/*.read user/Observation.rs";

  /** The confidential {@code client_credentials} client of realm {@code other} (same {@code aud}, same scope). */
  public static final String OTHER_CLIENT = "other-backend";
  public static final String OTHER_SECRET = "other-secret";

  /** The realm files, as class path resources; imported in this order. */
  static final String[] REALM_RESOURCES = {"keycloak/smart-realm.json", "keycloak/other-realm.json"};

  /** The master-realm administrator (the bootstrap admin of the dist and container modes). */
  static final String ADMIN_USER = "admin";
  static final String ADMIN_PASSWORD = "admin";

  private SmartRealm() {}
}
