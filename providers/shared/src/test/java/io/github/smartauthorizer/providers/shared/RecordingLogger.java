package io.github.smartauthorizer.providers.shared;

import java.text.MessageFormat;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link System.Logger} that keeps every line, formatted, so that tests can assert what was logged (and that no
 * secret was). Thread-safe. Shared with other modules through the test-jar.
 */
public final class RecordingLogger implements System.Logger {
  /** One logged line. */
  public record Line(Level level, String message) {}

  private final String name;
  private final List<Line> lines = new CopyOnWriteArrayList<>();

  public RecordingLogger(String name) {
    this.name = name;
  }

  /** Every line logged so far. */
  public List<Line> lines() {
    return List.copyOf(lines);
  }

  /** The messages logged at this level. */
  public List<String> messages(Level level) {
    return lines.stream().filter(l -> l.level() == level).map(Line::message).toList();
  }

  /** Everything logged, one line per entry, for "never contains" assertions. */
  public String all() {
    StringBuilder out = new StringBuilder();
    lines.forEach(l -> out.append(l.level()).append(' ').append(l.message()).append('\n'));
    return out.toString();
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public boolean isLoggable(Level level) {
    return true;
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
    lines.add(new Line(level, thrown == null ? msg : msg + " " + thrown));
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String format, Object... params) {
    lines.add(new Line(level, params == null || params.length == 0 ? format : MessageFormat.format(format, params)));
  }
}
