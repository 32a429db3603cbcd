package io.github.smartauthorizer.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A cgroup-v1 CPU quota for the processes the cold-start harness measures: a group in the {@code cpu} hierarchy
 * ({@code /sys/fs/cgroup/cpu/<name>}) with {@code cpu.cfs_period_us=100000} and {@code cpu.cfs_quota_us} the given
 * share of it (58000 for the 0.58 of a vCPU that Lambda gives a 1024 MB function), and, when the {@code cpuacct}
 * hierarchy is writable too, a group of the same name there to count the CPU time used.
 *
 * <p>A command runs in the group from its first instruction through a shell that moves itself into the group and then
 * {@code exec}s the command ({@link #wrap}): the JVM inherits the group, and so does every thread it starts. The groups
 * are removed by {@link #close} (and by a shutdown hook if the harness is interrupted); a group can only be removed
 * once its processes have exited, which the harness waits for.
 */
final class CpuQuota implements AutoCloseable {
  static final Path CPU = Path.of("/sys/fs/cgroup/cpu");
  static final Path CPUACCT = Path.of("/sys/fs/cgroup/cpuacct");
  static final long PERIOD_US = 100_000;
  private static final String PREFIX = "smart-authorizer-cold-start-";

  private final double vcpus;
  private final Path cpuGroup;
  private final Path cpuacctGroup;
  private final Thread cleanup;

  private CpuQuota(double vcpus, Path cpuGroup, Path cpuacctGroup) {
    this.vcpus = vcpus;
    this.cpuGroup = cpuGroup;
    this.cpuacctGroup = cpuacctGroup;
    this.cleanup = new Thread(this::remove, "cpu-quota-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
  }

  /**
   * Why quota rows cannot run here, or null if they can: {@code /sys/fs/cgroup/cpu} must be a writable cgroup-v1
   * {@code cpu} hierarchy (it has {@code cpu.cfs_quota_us}), which takes root, or a delegated hierarchy.
   */
  static String unavailable() {
    if (!Files.isDirectory(CPU)) {
      return CPU + " does not exist: this machine has no cgroup-v1 cpu hierarchy (cgroup v2 only, or cgroups not "
          + "mounted in this container)";
    }
    if (!Files.isRegularFile(CPU.resolve("cpu.cfs_quota_us"))) {
      return CPU + " is not a cgroup-v1 cpu hierarchy (no cpu.cfs_quota_us)";
    }
    if (!Files.isWritable(CPU)) {
      return CPU + " is not writable by this user (creating a group there takes root)";
    }
    return null;
  }

  /** Creates the groups for {@code vcpus} (e.g. 0.58 or 1.0) of a CPU. */
  static CpuQuota create(double vcpus) throws IOException {
    String reason = unavailable();
    if (reason != null) {
      throw new IOException(reason);
    }
    removeStale();
    String name = PREFIX + ProcessHandle.current().pid() + "-" + Math.round(vcpus * 100);
    Path cpuGroup = CPU.resolve(name);
    Files.createDirectory(cpuGroup);
    try {
      write(cpuGroup.resolve("cpu.cfs_period_us"), Long.toString(PERIOD_US));
      write(cpuGroup.resolve("cpu.cfs_quota_us"), Long.toString(Math.round(vcpus * PERIOD_US)));
    } catch (IOException e) {
      Files.deleteIfExists(cpuGroup);
      throw new IOException("cannot set the quota of " + cpuGroup + ": " + e.getMessage(), e);
    }
    Path cpuacctGroup = null;
    // Where cpu and cpuacct are mounted together, the cpu group already has cpuacct.usage.
    if (Files.isRegularFile(cpuGroup.resolve("cpuacct.usage"))) {
      cpuacctGroup = cpuGroup;
    } else if (Files.isRegularFile(CPUACCT.resolve("cpuacct.usage")) && Files.isWritable(CPUACCT)) {
      try {
        cpuacctGroup = Files.createDirectory(CPUACCT.resolve(name));
      } catch (IOException e) {
        cpuacctGroup = null; // CPU time is then not reported
      }
    }
    return new CpuQuota(vcpus, cpuGroup, cpuacctGroup);
  }

  /** Removes empty groups that an earlier, killed run of the harness left behind. */
  private static void removeStale() {
    for (Path root : List.of(CPU, CPUACCT)) {
      try (DirectoryStream<Path> groups = Files.newDirectoryStream(root, PREFIX + "*")) {
        for (Path group : groups) {
          String pid = group.getFileName().toString().substring(PREFIX.length()).replaceFirst("-.*", "");
          boolean alive = ProcessHandle.of(Long.parseLong(pid)).isPresent();
          if (!alive) {
            Files.deleteIfExists(group); // rmdir: fails, harmlessly, if a process is still in it
          }
        }
      } catch (IOException | RuntimeException e) {
        // best effort
      }
    }
  }

  double vcpus() {
    return vcpus;
  }

  /** E.g. {@code 0.58 vCPU (58000/100000 µs)}. */
  String describe() {
    return String.format(Locale.ROOT, "%.2f vCPU (cfs_quota_us %d / cfs_period_us %d)", vcpus,
        Math.round(vcpus * PERIOD_US), PERIOD_US);
  }

  /** The command, run inside the group(s) from its first instruction. */
  List<String> wrap(List<String> command) {
    StringBuilder script = new StringBuilder("echo $$ > '" + cpuGroup.resolve("cgroup.procs") + "'");
    if (cpuacctGroup != null && !cpuacctGroup.equals(cpuGroup)) {
      script.append(" && echo $$ > '").append(cpuacctGroup.resolve("cgroup.procs")).append("'");
    }
    script.append(" && exec \"$@\"");
    List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c", script.toString(), "sh"));
    wrapped.addAll(command);
    return wrapped;
  }

  /** The CPU time used by the group's processes so far, in nanoseconds, or -1 when not counted. */
  long cpuNanos() {
    if (cpuacctGroup == null) {
      return -1;
    }
    try {
      return Long.parseLong(Files.readString(cpuacctGroup.resolve("cpuacct.usage")).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /**
   * {@code cpu.stat}'s {@code nr_periods} (enforcement periods in which the group had runnable threads) and
   * {@code nr_throttled} (those in which it used up its quota and was stopped) so far, or -1s.
   */
  long[] periods() {
    long periods = -1;
    long throttled = -1;
    try {
      for (String line : Files.readAllLines(cpuGroup.resolve("cpu.stat"))) {
        String[] parts = line.split(" ");
        if (parts[0].equals("nr_periods")) {
          periods = Long.parseLong(parts[1]);
        } else if (parts[0].equals("nr_throttled")) {
          throttled = Long.parseLong(parts[1]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not reported
    }
    return new long[] {periods, throttled};
  }

  @Override
  public void close() {
    remove();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException e) {
      // shutting down: the hook runs anyway
    }
  }

  private void remove() {
    for (Path group : cpuacctGroup == null || cpuacctGroup.equals(cpuGroup) ? List.of(cpuGroup)
        : List.of(cpuGroup, cpuacctGroup)) {
      for (int attempt = 0; attempt < 50 && Files.exists(group); attempt++) {
        try {
          Files.deleteIfExists(group); // rmdir; refused while a process is still in the group
        } catch (IOException e) {
          try {
            Thread.sleep(100);
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
      if (Files.exists(group)) {
        System.err.println("could not remove " + group + " (a process still in it?): rmdir it by hand");
      }
    }
  }

  private static void write(Path file, String value) throws IOException {
    Files.write(file, value.getBytes(StandardCharsets.US_ASCII));
  }
}
