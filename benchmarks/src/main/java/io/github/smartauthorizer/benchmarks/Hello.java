package io.github.smartauthorizer.benchmarks;

/** The bare JVM start of the cold-start harness: one line on standard output, then exit. */
public final class Hello {
  private Hello() {}

  public static void main(String[] args) {
    System.out.println("{\"hello\":true}");
  }
}
