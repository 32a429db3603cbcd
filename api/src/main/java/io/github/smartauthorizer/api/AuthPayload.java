package io.github.smartauthorizer.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code authPayload} object of the answer to HealthLake. Immutable.
 *
 * <p>HealthLake requires {@code nbf}, {@code exp}, {@code isAuthorized}, {@code aud} and {@code scope}; times are epoch
 * seconds and {@code isAuthorized} is a JSON boolean. A deny ({@link #deny}) carries {@code isAuthorized: false}, an
 * empty scope and only the times that are known. Fields that are {@code null} are left out of the JSON.
 */
public final class AuthPayload {
  private final String iss;
  private final String aud;
  private final String sub;
  private final Long iat;
  private final Long nbf;
  private final Long exp;
  private final boolean authorized;
  private final String scope;
  private final String fhirUser;
  private final String patient;
  private final Map<String, String> extra;

  private AuthPayload(Builder b) {
    this.iss = b.iss;
    this.aud = b.aud;
    this.sub = b.sub;
    this.iat = b.iat;
    this.nbf = b.nbf;
    this.exp = b.exp;
    this.authorized = b.authorized;
    this.scope = b.authorized ? Objects.requireNonNull(b.scope, "scope") : "";
    this.fhirUser = b.fhirUser;
    this.patient = b.patient;
    this.extra = Collections.unmodifiableMap(new LinkedHashMap<>(b.extra));
  }

  /** A deny for a request: {@code isAuthorized: false}, {@code scope: ""}, {@code aud} and the known times. */
  public static AuthPayload deny(String datastoreEndpoint, TokenTimes times) {
    return builder()
        .aud(datastoreEndpoint)
        .iat(times.issuedAt())
        .nbf(times.notBeforeOrIssuedAt())
        .exp(times.expiresAt())
        .authorized(false)
        .build();
  }

  public String iss() {
    return iss;
  }

  public String aud() {
    return aud;
  }

  public String sub() {
    return sub;
  }

  public Long iat() {
    return iat;
  }

  public Long nbf() {
    return nbf;
  }

  public Long exp() {
    return exp;
  }

  /** The {@code isAuthorized} flag. */
  public boolean isAuthorized() {
    return authorized;
  }

  /** The space-delimited scopes; empty on a deny. */
  public String scope() {
    return scope;
  }

  public String fhirUser() {
    return fhirUser;
  }

  public String patient() {
    return patient;
  }

  /** Further string members a custom mapper adds (HealthLake tolerates extra members). */
  public Map<String, String> extra() {
    return extra;
  }

  /** A builder initialised from this payload. */
  public Builder toBuilder() {
    Builder b = builder().iss(iss).aud(aud).sub(sub).iat(iat).nbf(nbf).exp(exp).authorized(authorized)
        .scope(scope).fhirUser(fhirUser).patient(patient);
    b.extra.putAll(extra);
    return b;
  }

  /** A new builder; {@code isAuthorized} defaults to {@code false}. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String toString() {
    return "AuthPayload[isAuthorized=" + authorized + ", aud=" + aud + ", scope=" + scope + "]";
  }

  /** Builds an {@link AuthPayload}; not thread-safe. */
  public static final class Builder {
    private String iss;
    private String aud;
    private String sub;
    private Long iat;
    private Long nbf;
    private Long exp;
    private boolean authorized;
    private String scope = "";
    private String fhirUser;
    private String patient;
    private final Map<String, String> extra = new LinkedHashMap<>();

    private Builder() {}

    public Builder iss(String value) {
      this.iss = value;
      return this;
    }

    public Builder aud(String value) {
      this.aud = value;
      return this;
    }

    public Builder sub(String value) {
      this.sub = value;
      return this;
    }

    public Builder iat(Long value) {
      this.iat = value;
      return this;
    }

    public Builder nbf(Long value) {
      this.nbf = value;
      return this;
    }

    public Builder exp(Long value) {
      this.exp = value;
      return this;
    }

    public Builder authorized(boolean value) {
      this.authorized = value;
      return this;
    }

    public Builder scope(String value) {
      this.scope = value;
      return this;
    }

    public Builder fhirUser(String value) {
      this.fhirUser = value;
      return this;
    }

    public Builder patient(String value) {
      this.patient = value;
      return this;
    }

    /** Adds an extra string member; the contract's own member names are refused. */
    public Builder extra(String name, String value) {
      if (RESERVED.contains(name)) {
        throw new IllegalArgumentException("reserved authPayload member: " + name);
      }
      this.extra.put(name, value);
      return this;
    }

    public AuthPayload build() {
      return new AuthPayload(this);
    }
  }

  private static final java.util.Set<String> RESERVED = java.util.Set.of(
      "iss", "aud", "sub", "iat", "nbf", "exp", "isAuthorized", "scope", "fhirUser", "patient");
}
