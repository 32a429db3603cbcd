package io.github.smartauthorizer.it.keycloak;

import java.net.URI;

/** One way of getting a running Keycloak with the test realms. Used by one thread at a time ({@link Keycloak}). */
interface Backend {
  /** Starts Keycloak (or checks an external one) and returns its base URL, without a trailing slash. */
  URI start() throws Exception;

  /** Stops what {@link #start()} started; does nothing when nothing runs. Never throws. */
  void stop();

  /** Whether {@link #stop()} really stops Keycloak (not for an external one). */
  boolean canStop();

  /** Whether {@link #pause()} can freeze Keycloak (not for an external one). */
  default boolean canPause() {
    return false;
  }

  /**
   * Freezes the running Keycloak without stopping it: its sockets stay open and connections are accepted by the
   * kernel, but nothing answers (a hung IdP, as opposed to a stopped one, which refuses connections at once).
   */
  default void pause() {
    throw new UnsupportedOperationException("this Keycloak cannot be paused");
  }

  /** Undoes {@link #pause()}; does nothing when not paused. Never throws. */
  default void resume() {}
}
