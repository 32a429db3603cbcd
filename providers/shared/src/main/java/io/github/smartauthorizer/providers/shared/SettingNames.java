package io.github.smartauthorizer.providers.shared;

import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Builds what {@link io.github.smartauthorizer.api.spi.AuthorizerProvider#settingNames()} answers: a provider's own
 * setting names joined with the toolkit's sets it reads ({@link JwtSettings#SETTING_NAMES},
 * {@link IntrospectionSettings#SETTING_NAMES}).
 */
public final class SettingNames {
  private SettingNames() {}

  /** The union of sets of setting names, sorted and unmodifiable. */
  @SafeVarargs
  public static Set<String> union(Set<String>... parts) {
    SortedSet<String> all = new TreeSet<>();
    for (Set<String> part : parts) {
      all.addAll(part);
    }
    return Collections.unmodifiableSortedSet(all);
  }
}
