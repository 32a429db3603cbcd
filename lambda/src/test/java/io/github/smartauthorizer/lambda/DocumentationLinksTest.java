package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of the documentation resolves: {@code README.md}, {@code docs/**.md} and {@code examples/**.md}.
 * A link {@code [text](path)}, {@code [text](path#anchor)} or {@code [text](#anchor)} needs the file (relative to the
 * page; a leading {@code /} is the repository root), and the anchor a heading of the target page under GitHub's slug
 * rules. Absolute URLs ({@code https:}, {@code mailto:}, ...) and links in fenced code blocks or code spans are not
 * checked.
 */
class DocumentationLinksTest {
  /** The repository root, seen from the lambda module, where surefire runs. */
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern LINK =
      Pattern.compile("!?\\[((?:[^\\[\\]]|\\[[^\\[\\]]*\\])*)\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
  private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:name|id)=\"([^\"]+)\"");
  private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");
  private static final Pattern CODE_SPAN = Pattern.compile("(`+)(?:(?!\\1).)+?\\1");

  private final Map<Path, Set<String>> anchors = new HashMap<>();

  @Test
  void everyRelativeLinkResolves() throws IOException {
    List<String> failures = new ArrayList<>();
    for (Path page : pages()) {
      List<String> lines = proseLines(page);
      for (int i = 0; i < lines.size(); i++) {
        String line = CODE_SPAN.matcher(lines.get(i)).replaceAll("");
        Matcher m = LINK.matcher(line);
        while (m.find()) {
          String target = m.group(2);
          String why = check(page, target);
          if (why != null) {
            failures.add(ROOT.relativize(page) + ":" + (i + 1) + " -> " + target + " -> " + why);
          }
        }
      }
    }
    assertTrue(failures.isEmpty(), failures.size() + " broken links:\n" + String.join("\n", failures));
  }

  @Test
  void slugsFollowGitHub() {
    Set<String> seen = new LinkedHashSet<>();
    List<String> slugs = new ArrayList<>();
    for (String heading : List.of("Provider `jwks`: JWT access tokens of any OIDC issuer", "Many identity providers,"
        + " roles per caller, SMART scope policy", "Every provider", "Every provider", "Every provider",
        "[Several](x.md) providers_and C++")) {
      slugs.add(unique(slug(heading), seen));
    }
    assertTrue(slugs.equals(List.of("provider-jwks-jwt-access-tokens-of-any-oidc-issuer",
        "many-identity-providers-roles-per-caller-smart-scope-policy", "every-provider", "every-provider-1",
        "every-provider-2", "several-providers_and-c")), slugs.toString());
  }

  /** Why {@code target}, a link on {@code page}, does not resolve; null when it does or is not checked. */
  private String check(Path page, String target) {
    if (target.isEmpty()) {
      return "empty link";
    }
    if (SCHEME.matcher(target).find()) {
      return null;
    }
    int hash = target.indexOf('#');
    String path = hash < 0 ? target : target.substring(0, hash);
    String anchor = hash < 0 ? null : target.substring(hash + 1);
    Path file = page;
    if (!path.isEmpty()) {
      String decoded = URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
      file = (decoded.startsWith("/") ? ROOT.resolve(decoded.substring(1)) : page.getParent().resolve(decoded))
          .normalize();
      if (!Files.exists(file)) {
        return "no such file " + ROOT.relativize(file);
      }
    }
    if (anchor == null) {
      return null;
    }
    if (anchor.isEmpty()) {
      return "empty anchor";
    }
    if (!file.toString().endsWith(".md")) {
      return Files.isDirectory(file) ? "anchor on a directory" : null;
    }
    String wanted = URLDecoder.decode(anchor.replace("+", "%2B"), StandardCharsets.UTF_8);
    Set<String> known = anchors.computeIfAbsent(file, DocumentationLinksTest::anchors);
    return known.contains(wanted) ? null : "no heading #" + anchor + " in " + ROOT.relativize(file);
  }

  /** The pages whose links are checked. */
  private static List<Path> pages() throws IOException {
    Set<Path> pages = new TreeSet<>();
    pages.add(ROOT.resolve("README.md"));
    for (String folder : List.of("docs", "examples")) {
      Path dir = ROOT.resolve(folder);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(dir)) {
        files.filter(p -> p.toString().endsWith(".md") && Files.isRegularFile(p))
            .filter(p -> {
              for (Path part : ROOT.relativize(p)) {
                if (part.toString().equals("target") || part.toString().equals("node_modules")) {
                  return false;
                }
              }
              return true;
            })
            .forEach(pages::add);
      }
    }
    return new ArrayList<>(pages);
  }

  /** The page's lines, with those of fenced code blocks (fences included) blanked out. */
  private static List<String> proseLines(Path page) {
    List<String> lines;
    try {
      lines = Files.readAllLines(page);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> prose = new ArrayList<>();
    String fence = null;
    for (String line : lines) {
      Matcher m = FENCE.matcher(line);
      if (fence == null && m.find()) {
        fence = m.group(1);
        prose.add("");
      } else if (fence != null) {
        String trimmed = line.strip();
        char marker = fence.charAt(0);
        if (m.find() && trimmed.chars().allMatch(c -> c == marker) && trimmed.length() >= fence.length()) {
          fence = null;
        }
        prose.add("");
      } else {
        prose.add(line);
      }
    }
    return prose;
  }

  /** The anchors of a page: its headings' GitHub slugs, and explicit {@code <a name>} / {@code <a id>} anchors. */
  private static Set<String> anchors(Path page) {
    Set<String> anchors = new LinkedHashSet<>();
    for (String line : proseLines(page)) {
      Matcher heading = HEADING.matcher(line);
      if (heading.matches()) {
        unique(slug(heading.group(2)), anchors);
      }
      Matcher html = HTML_ANCHOR.matcher(line);
      while (html.find()) {
        anchors.add(html.group(1));
      }
    }
    return anchors;
  }

  /** Adds {@code slug} to {@code seen}, with GitHub's -1, -2, ... suffix when it is already there; returns it. */
  private static String unique(String slug, Set<String> seen) {
    String candidate = slug;
    for (int n = 1; seen.contains(candidate); n++) {
      candidate = slug + "-" + n;
    }
    seen.add(candidate);
    return candidate;
  }

  /**
   * GitHub's slug of a heading: its text (a link's text for a link), lower-case, every character but letters, digits,
   * spaces, '-' and '_' dropped, spaces turned into '-'.
   */
  static String slug(String heading) {
    String text = LINK.matcher(heading).replaceAll(r -> Matcher.quoteReplacement(r.group(1)));
    text = text.replaceAll("<[^>]+>", "").toLowerCase(Locale.ROOT);
    StringBuilder slug = new StringBuilder();
    text.codePoints().forEach(c -> {
      if (c == ' ') {
        slug.append('-');
      } else if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
        slug.appendCodePoint(c);
      }
    });
    return slug.toString();
  }
}
