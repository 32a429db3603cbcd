package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.Deadline;
import io.github.smartauthorizer.api.json.StrictJson;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Objects;

/**
 * Where a JWKS lives: a configured URI, or the {@code jwks_uri} of the issuer's OpenID Connect discovery document
 * (OIDC Discovery 1.0 §4), looked up once and remembered after the first success.
 */
public abstract class JwksLocation {
  JwksLocation() {}

  /** A fixed JWKS URI. */
  public static JwksLocation fixed(URI jwksUri) {
    Objects.requireNonNull(jwksUri, "jwksUri");
    return new JwksLocation() {
      @Override
      URI resolve(HttpFetcher fetcher, Deadline deadline) {
        return jwksUri;
      }

      @Override
      public String toString() {
        return jwksUri.toString();
      }
    };
  }

  /**
   * The JWKS URI from {@code {issuer}/.well-known/openid-configuration}; the document's {@code issuer} must equal the
   * configured issuer exactly (OIDC Discovery §4.3).
   */
  public static JwksLocation discovered(String issuer) {
    return new Discovered(issuer);
  }

  /**
   * The JWKS URI, looked up (for discovery) within the request's deadline: the discovery call and the JWKS call
   * after it share one deadline.
   */
  abstract URI resolve(HttpFetcher fetcher, Deadline deadline) throws IOException;

  private static final class Discovered extends JwksLocation {
    private final String issuer;
    private volatile URI resolved;

    Discovered(String issuer) {
      this.issuer = Objects.requireNonNull(issuer, "issuer");
    }

    @Override
    URI resolve(HttpFetcher fetcher, Deadline deadline) throws IOException {
      URI known = resolved;
      if (known != null) {
        return known;
      }
      URI discovery = URI.create(stripSlash(issuer) + "/.well-known/openid-configuration");
      HttpFetcher.HttpResponse response = fetcher.get(discovery, "application/json", deadline);
      if (!response.isSuccessful()) {
        throw new IOException("discovery answered HTTP " + response.status());
      }
      Map<String, Object> document;
      try {
        document = StrictJson.parseObject(response.body());
      } catch (StrictJson.MalformedJsonException e) {
        throw new IOException("discovery document is not strict JSON: " + e.getMessage());
      }
      if (!issuer.equals(document.get("issuer"))) {
        throw new IOException("discovery document names another issuer");
      }
      String jwksUri = Claims.string(document, "jwks_uri").orElseThrow(() -> new IOException("discovery has no jwks_uri"));
      try {
        URI uri = new URI(jwksUri);
        if (uri.getHost() == null || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))) {
          throw new IOException("discovery jwks_uri is not an http(s) URL");
        }
        resolved = uri;
        return uri;
      } catch (URISyntaxException e) {
        throw new IOException("discovery jwks_uri is not a URI");
      }
    }

    @Override
    public String toString() {
      return "discovery of " + issuer;
    }
  }

  static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
