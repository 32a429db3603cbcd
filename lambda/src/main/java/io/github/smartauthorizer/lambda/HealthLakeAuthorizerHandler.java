package io.github.smartauthorizer.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

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

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    byte[] event = input.readNBytes(HealthLakeEvents.MAX_EVENT_BYTES + 1);
    String requestId = context == null ? null : context.getAwsRequestId();
    output.write(authorizer.handle(event, requestId));
    output.flush();
  }
}
