package io.github.smartauthorizer.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.github.smartauthorizer.api.Deadline;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * The AWS HealthLake IdP Lambda: {@code io.github.smartauthorizer.lambda.HealthLakeAuthorizerHandler::handleRequest}.
 *
 * <p>Everything is built when Lambda creates the handler (at init, or before a SnapStart checkpoint): configuration,
 * provider, validator, keys. An invocation reads the event bytes, decides, and writes the response JSON; it never
 * throws for a bad event or token.
 */
public final class HealthLakeAuthorizerHandler implements RequestStreamHandler {
  private final Authorizer authorizer;

  /** Called by the Lambda runtime: configures from the environment. */
  public HealthLakeAuthorizerHandler() {
    this(Authorizer.fromEnvironmentOrDenyAll());
    SnapStartPriming.register(authorizer);
  }

  HealthLakeAuthorizerHandler(Authorizer authorizer) {
    this.authorizer = authorizer;
  }

  /** Time kept back from the Lambda's own remaining time for writing the answer. */
  static final Duration ANSWER_RESERVE = Duration.ofMillis(50);

  /** The Lambda's remaining time less {@link #ANSWER_RESERVE}, or no deadline without a context (tests, tools). */
  static Deadline lambdaDeadline(Context context) {
    if (context == null) {
      return Deadline.none();
    }
    long remaining = context.getRemainingTimeInMillis() - ANSWER_RESERVE.toMillis();
    return Deadline.after(Duration.ofMillis(Math.max(0, remaining)));
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    byte[] event = input.readNBytes(HealthLakeEvents.MAX_EVENT_BYTES + 1);
    String requestId = context == null ? null : context.getAwsRequestId();
    output.write(authorizer.handle(event, requestId, lambdaDeadline(context)));
    output.flush();
  }
}
