package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.Deadline;
import io.github.smartauthorizer.api.spi.SecretSource;
import io.github.smartauthorizer.api.spi.SecretUnavailableException;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * A {@link SecretSource} that reads secret strings from AWS Secrets Manager ({@code GetSecretValue}) with the AWS SDK
 * v2 on the {@link UrlConnectionHttpClient}. Region and credentials come from the SDK's default chains
 * ({@code AWS_REGION} and the Lambda's role credentials in a Lambda); the endpoint may be overridden with the SDK's
 * standard {@code AWS_ENDPOINT_URL_SECRETS_MANAGER} or {@code AWS_ENDPOINT_URL} variables (or the
 * {@code aws.endpointUrlSecretsManager} / {@code aws.endpointUrl} system properties).
 *
 * <p><b>Lazy.</b> The SDK client is built on the first {@link #secretString} call, not by the constructor, so a
 * provider that needs no secret never pays the SDK's initialisation. Every call then reads the secret afresh (no
 * cache), which is how a provider picks up a rotated secret.
 *
 * <p><b>Timeouts.</b> The first read of a secret happens at init and is bounded by the init timeout (it also pays for
 * loading the SDK, which the SDK counts against the call); later reads of the same secret happen during a request
 * (the IdP rejected the credentials: a rotated secret) and are bounded by the request timeout. Each timeout is the
 * connect, socket, attempt and whole-call timeout, and the client never retries. The client's construction itself is
 * bounded by no timeout.
 *
 * <p>A read during a request ({@link #secretString(String, Deadline)}) is bounded by the smaller of the request timeout
 * and what is left of the request's deadline, and is not started once the deadline has passed.
 *
 * <p><b>Errors.</b> Every failure is a {@link SecretUnavailableException} whose message names the secret id and the
 * cause (not found, access denied, unreachable, no string value, ...), never the secret's value. It is
 * {@linkplain SecretUnavailableException#isRetryable() retryable} when reading again may succeed: a timeout, a network
 * failure, throttling (HTTP 429 or a throttling error code) or a server error (HTTP 5xx); not found, access denied, any
 * other refusal, a missing string value and client-side configuration problems (no region, no credentials) are not.
 *
 * <p>Thread-safe: the client is built at most once, and the SDK client is itself thread-safe.
 */
final class SecretsManagerSecretSource implements SecretSource {
  private final Supplier<SecretsManagerClient> clientFactory;
  private final Duration requestTimeout;
  private final Set<String> readBefore = ConcurrentHashMap.newKeySet();
  private volatile SecretsManagerClient client;

  /**
   * A source whose client is built on first use.
   *
   * @param initTimeout bounds the first read of each secret (at init)
   * @param requestTimeout bounds later reads of the same secret (during a request)
   */
  SecretsManagerSecretSource(Duration initTimeout, Duration requestTimeout) {
    this(defaultClient(initTimeout), requestTimeout);
  }

  /** A source over a client built by {@code clientFactory} on first use (tests pass a preconfigured client). */
  SecretsManagerSecretSource(Supplier<SecretsManagerClient> clientFactory) {
    this(clientFactory, null);
  }

  private SecretsManagerSecretSource(Supplier<SecretsManagerClient> clientFactory, Duration requestTimeout) {
    this.clientFactory = Objects.requireNonNull(clientFactory, "clientFactory");
    this.requestTimeout = requestTimeout;
  }

  /** Builds the default client when called; even the builder is left until then (it loads much of the SDK). */
  private static Supplier<SecretsManagerClient> defaultClient(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    return () -> clientBuilder(timeout).build();
  }

  /**
   * A client builder with the URLConnection HTTP client, {@code timeout} as the connect, socket, attempt and call
   * timeout, and no retries; everything else (region, credentials, endpoint) from the SDK's defaults.
   */
  static SecretsManagerClientBuilder clientBuilder(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    return SecretsManagerClient.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(timeout).socketTimeout(timeout))
        .overrideConfiguration(o -> o
            .apiCallAttemptTimeout(timeout)
            .apiCallTimeout(timeout)
            .retryStrategy(AwsRetryStrategy.doNotRetry()));
  }

  @Override
  public String secretString(String secretId) {
    return secretString(secretId, Deadline.none());
  }

  @Override
  public String secretString(String secretId, Deadline deadline) {
    Objects.requireNonNull(secretId, "secretId");
    GetSecretValueResponse response;
    try {
      boolean reread = !readBefore.add(secretId);
      Duration timeout = reread && requestTimeout != null ? deadline.cap(requestTimeout)
          : deadline.isBounded() ? deadline.remaining() : null;
      if (timeout != null && timeout.isZero()) {
        throw new SecretUnavailableException("secret " + secretId + " not read: the request deadline has passed",
            null, true);
      }
      response = client().getSecretValue(request -> {
        request.secretId(secretId);
        if (timeout != null) {
          request.overrideConfiguration(o -> o.apiCallTimeout(timeout).apiCallAttemptTimeout(timeout));
        }
      });
    } catch (ResourceNotFoundException e) {
      throw unavailable(secretId, "not found", e, false);
    } catch (AwsServiceException e) {
      throw unavailable(secretId, serviceError(e), e, isRetryable(e));
    } catch (SdkClientException e) {
      throw unavailable(secretId, clientError(e), e, isRetryable(e));
    }
    String value = response.secretString();
    if (value == null) {
      throw new SecretUnavailableException("secret " + secretId + " has no SecretString (binary secrets are not"
          + " supported)");
    }
    return value;
  }

  private SecretsManagerClient client() {
    SecretsManagerClient built = client;
    if (built == null) {
      synchronized (this) {
        built = client;
        if (built == null) {
          built = clientFactory.get();
          client = built;
        }
      }
    }
    return built;
  }

  private static SecretUnavailableException unavailable(String secretId, String cause, Throwable e,
      boolean retryable) {
    return new SecretUnavailableException("secret " + secretId + " is unavailable: " + cause, e, retryable);
  }

  /** Throttling and server errors may pass; every other refusal (not found, access denied, ...) will not. */
  static boolean isRetryable(AwsServiceException e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    return e.statusCode() >= 500 || e.statusCode() == 429 || e.isThrottlingException()
        || (code != null && (code.contains("Throttl") || code.equals("InternalServiceError")));
  }

  /** Timeouts and network failures may pass; client-side configuration problems (no region, no credentials) not. */
  static boolean isRetryable(SdkClientException e) {
    if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
      return true;
    }
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  /** The error code and status of a refusal; the service's own message is left to the exception's cause. */
  private static String serviceError(AwsServiceException e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    if (code != null && code.startsWith("AccessDenied")) {
      return "access denied (" + code + ", HTTP " + e.statusCode() + "); the Lambda role needs"
          + " secretsmanager:GetSecretValue on it (and kms:Decrypt for a customer-managed key)";
    }
    return "Secrets Manager refused the request (" + (code == null ? "no error code" : code) + ", HTTP "
        + e.statusCode() + ")";
  }

  /**
   * What went wrong on the client side. A timeout or a network failure (connection refused, unknown host, TLS, ...)
   * reads "unreachable"; a response that could not be parsed is named without echoing its content; anything else is
   * a client-side problem such as a missing region or credentials, whose SDK message says what to configure.
   */
  private static String clientError(SdkClientException e) {
    if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
      return "Secrets Manager unreachable (timed out)";
    }
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof IOException && cause.getClass().getName().startsWith("java")) {
        return "Secrets Manager unreachable (" + cause.getClass().getSimpleName()
            + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + ")";
      }
      if (cause instanceof IOException) {
        return "Secrets Manager sent a response that could not be read (" + cause.getClass().getSimpleName() + ")";
      }
    }
    return "the Secrets Manager client failed: " + e.getMessage();
  }
}
