package io.github.smartauthorizer.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The claims of a token that passed validation, normalized across identity providers. Immutable and thread-safe.
 *
 * <p>Providers fill the normalized fields from whatever their IdP issues (an Okta {@code scp} array becomes the
 * {@link #scope()} string). {@link #clientId()} and {@link #groups()} are what role mapping trusts, so each provider
 * fills them from one documented source only, the one its IdP vouches for and its own checks look at (Keycloak:
 * {@code azp} and its realm and client roles; Cognito: {@code client_id} and {@code cognito:groups}; RFC 9068 and RFC
 * 7662 profiles: {@code client_id}, {@code groups} and {@code roles}), never the first of several look-alike claims.
 * {@link #claims()} keeps every claim as verified, for mappers that need more. Claim values are JSON types:
 * {@code String}, {@code Long} or {@code java.math.BigDecimal}, {@code Boolean}, {@code List} and {@code Map}.
 */
public final class VerifiedToken {
  private final String issuer;
  private final String subject;
  private final List<String> audiences;
  private final TokenTimes times;
  private final String scope;
  private final String clientId;
  private final Set<String> groups;
  private final Map<String, Object> claims;

  private VerifiedToken(Builder b) {
    this.issuer = b.issuer;
    this.subject = b.subject;
    this.audiences = List.copyOf(b.audiences);
    this.times = Objects.requireNonNull(b.times, "times");
    this.scope = b.scope == null ? "" : b.scope;
    this.clientId = b.clientId;
    this.groups = Collections.unmodifiableSet(new LinkedHashSet<>(b.groups));
    this.claims = Collections.unmodifiableMap(new LinkedHashMap<>(b.claims));
  }

  /** {@code iss}, or {@code null} when the IdP does not say (some introspection servers). */
  public String issuer() {
    return issuer;
  }

  /** {@code sub}, or {@code null}. */
  public String subject() {
    return subject;
  }

  /** The token's audiences ({@code aud} as a list), possibly empty. */
  public List<String> audiences() {
    return audiences;
  }

  /** {@code iat}, {@code nbf} and {@code exp}. */
  public TokenTimes times() {
    return times;
  }

  /** The granted scopes as one space-delimited string, byte for byte as issued; empty when none. */
  public String scope() {
    return scope;
  }

  /**
   * The OAuth client the token was issued to, from the one claim the provider documents for it; empty when that claim
   * is absent (never taken from another claim).
   */
  public Optional<String> clientId() {
    return Optional.ofNullable(clientId);
  }

  /**
   * Groups and roles the IdP granted, for role mapping, from the claims the provider documents for them; possibly
   * empty.
   */
  public Set<String> groups() {
    return groups;
  }

  /** Every verified claim, unmodifiable. */
  public Map<String, Object> claims() {
    return claims;
  }

  /** A claim that is a JSON string, if present and a string. */
  public Optional<String> stringClaim(String name) {
    Object value = claims.get(name);
    return value instanceof String s ? Optional.of(s) : Optional.empty();
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link VerifiedToken}; not thread-safe. */
  public static final class Builder {
    private String issuer;
    private String subject;
    private final List<String> audiences = new ArrayList<>();
    private TokenTimes times = TokenTimes.UNKNOWN;
    private String scope;
    private String clientId;
    private final Set<String> groups = new LinkedHashSet<>();
    private final Map<String, Object> claims = new LinkedHashMap<>();

    private Builder() {}

    public Builder issuer(String value) {
      this.issuer = value;
      return this;
    }

    public Builder subject(String value) {
      this.subject = value;
      return this;
    }

    public Builder audiences(List<String> values) {
      this.audiences.clear();
      this.audiences.addAll(values);
      return this;
    }

    public Builder times(TokenTimes value) {
      this.times = value;
      return this;
    }

    public Builder scope(String value) {
      this.scope = value;
      return this;
    }

    public Builder clientId(String value) {
      this.clientId = value;
      return this;
    }

    public Builder addGroups(Iterable<String> values) {
      values.forEach(groups::add);
      return this;
    }

    public Builder claims(Map<String, Object> values) {
      this.claims.clear();
      this.claims.putAll(values);
      return this;
    }

    public VerifiedToken build() {
      return new VerifiedToken(this);
    }
  }
}
