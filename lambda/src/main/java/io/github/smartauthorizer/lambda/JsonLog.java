package io.github.smartauthorizer.lambda;

import java.io.PrintStream;
import java.text.MessageFormat;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.function.Supplier;

/**
 * Structured logging: every line is one JSON object on one line, which CloudWatch Logs Insights can query. Providers
 * receive {@link System.Logger}s backed by this sink. Nothing here inspects messages for secrets: callers must never
 * pass a token, a secret or a whole claim set.
 */
final class JsonLog {
  private final PrintStream out;
  private final Clock clock;
  private final System.Logger.Level threshold;

  JsonLog(PrintStream out, Clock clock, System.Logger.Level threshold) {
    this.out = out;
    this.clock = clock;
    this.threshold = threshold;
  }

  /** Writes one line with the given members after {@code time} and {@code level}. */
  void write(System.Logger.Level level, Map<String, ?> members) {
    if (level.getSeverity() < threshold.getSeverity()) {
      return;
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("time", clock.instant().toString());
    line.put("level", level.getName());
    line.putAll(members);
    String text = JsonText.object(line);
    synchronized (out) {
      out.println(text);
    }
  }

  System.Logger logger(String name) {
    return new Logger(name);
  }

  private final class Logger implements System.Logger {
    private final String name;

    Logger(String name) {
      this.name = name;
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public boolean isLoggable(Level level) {
      return level.getSeverity() >= threshold.getSeverity();
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      if (!isLoggable(level)) {
        return;
      }
      Map<String, Object> members = new LinkedHashMap<>();
      members.put("logger", name);
      members.put("message", msg);
      if (thrown != null) {
        members.put("error", thrown.getClass().getName());
        members.put("errorMessage", thrown.getMessage());
        StackTraceElement[] trace = thrown.getStackTrace();
        if (trace.length > 0) {
          members.put("at", trace[0].toString());
        }
      }
      write(level, members);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      if (!isLoggable(level)) {
        return;
      }
      String msg = params == null || params.length == 0 ? format : MessageFormat.format(format, params);
      log(level, bundle, msg, (Throwable) null);
    }

    @Override
    public void log(Level level, Supplier<String> msgSupplier) {
      if (isLoggable(level)) {
        log(level, null, msgSupplier.get(), (Throwable) null);
      }
    }
  }
}
