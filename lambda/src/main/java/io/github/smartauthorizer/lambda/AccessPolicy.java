package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.AuthPayload;
import io.github.smartauthorizer.api.HealthLakeRequest;
import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.Rejection;
import io.github.smartauthorizer.api.TokenTimes;
import io.github.smartauthorizer.api.VerifiedToken;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What happens to a token after it was validated and mapped: the {@link SmartScopePolicy}, then the
 * {@link RoleMapping}. Immutable and thread-safe.
 */
final class AccessPolicy {
  private final SmartScopePolicy scopes;
  private final RoleMapping roles;

  AccessPolicy(SmartScopePolicy scopes, RoleMapping roles) {
    this.scopes = Objects.requireNonNull(scopes, "scopes");
    this.roles = Objects.requireNonNull(roles, "roles");
  }

  /**
   * The outcome for one accepted token.
   *
   * @param payload the payload to send, or {@code null} when refused
   * @param role the {@code iamRoleARN}, or {@code null} when refused
   * @param rejection why the token is refused, or {@code null}
   */
  record Outcome(AuthPayload payload, String role, Rejection rejection) {}

  /**
   * Applies the scope policy and chooses the role.
   *
   * @param token the verified token (its groups and client)
   * @param payload what the claim mapper made of it
   * @param instance the provider instance that accepted it
   */
  Outcome decide(VerifiedToken token, AuthPayload payload, HealthLakeRequest request, String instance) {
    SmartScopePolicy.Outcome scoped = scopes.apply(payload, request);
    if (scoped.rejection() != null) {
      return new Outcome(null, null, scoped.rejection());
    }
    AuthPayload allowed = scoped.payload();
    List<String> granted = Arrays.stream(allowed.scope().split(" ")).filter(s -> !s.isEmpty()).toList();
    Optional<String> role = roles.roleFor(new RoleMapping.Grant(granted, scoped.resourceScopes(), token.groups(),
        token.clientId().orElse(null), instance));
    if (role.isEmpty()) {
      return new Outcome(null, null, new Rejection(ReasonCode.INSUFFICIENT_SCOPE,
          "no role mapping rule matches and " + RoleMapping.ROLE_VARIABLE + " (the default role) is not set",
          new TokenTimes(allowed.iat(), allowed.nbf(), allowed.exp())));
    }
    return new Outcome(allowed, role.get(), null);
  }

  /** The role a deny carries ({@link RoleMapping#denyRole()}). */
  String denyRole() {
    return roles.denyRole();
  }

  /** The default role ({@code AUTHORIZER_IAM_ROLE_ARN}), or {@code null}. */
  String defaultRole() {
    return roles.defaultRole();
  }

  /** The default role, and how many role mapping rules choose per request (for the {@code check} command). */
  String describeRoles() {
    if (roles.size() == 0) {
      return roles.defaultRole();
    }
    String rules = roles.size() + " role mapping rule" + (roles.size() == 1 ? "" : "s");
    return roles.defaultRole() == null ? "chosen by " + rules + " (no default; a request no rule matches is denied)"
        : roles.defaultRole() + " (default; " + rules + " choose first)";
  }
}
