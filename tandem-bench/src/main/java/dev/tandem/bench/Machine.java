package dev.tandem.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Facts about the machine a result was measured on: absolute figures only mean something next to them. */
public final class Machine {
    private Machine() {}

    public static Map<String, Object> facts() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", cpuModel());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("memoryGiB", memoryGiB());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("jdk", System.getProperty("java.vm.name") + " " + Runtime.version() + " ("
                + System.getProperty("java.vendor") + ")");
        return m;
    }

    /**
     * The share of the machine's CPU time, in percent, that was idle while {@code during} ran (from /proc/stat:
     * idle and iowait over all jiffies); NaN where /proc/stat cannot be read.
     */
    public static double idlePercent(Runnable during) {
        long[] before = cpuTimes();
        during.run();
        long[] after = cpuTimes();
        if (before == null || after == null || after[0] == before[0]) return Double.NaN;
        return 100.0 * (after[1] - before[1]) / (after[0] - before[0]);
    }

    /** All jiffies and idle ones (idle + iowait) from the first line of /proc/stat, or null. */
    private static long[] cpuTimes() {
        for (String line : lines(Path.of("/proc/stat"))) {
            if (!line.startsWith("cpu ")) continue;
            String[] f = line.trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) total += Long.parseLong(f[i]);
            return new long[] {total, Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0)};
        }
        return null;
    }

    /** One line naming the machine, as BENCHMARKS.md shows it. */
    public static String describe(Map<?, ?> facts) {
        return facts.get("cpu") + ", " + facts.get("cores") + " cores, " + facts.get("memoryGiB") + " GiB, "
                + facts.get("os") + ", " + facts.get("jdk");
    }

    private static String cpuModel() {
        for (String line : lines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).strip();
        }
        return System.getProperty("os.arch");
    }

    private static long memoryGiB() {
        for (String line : lines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                return Math.round(kib / 1024.0 / 1024.0);
            }
        }
        return Math.round(Runtime.getRuntime().maxMemory() / 1024.0 / 1024.0 / 1024.0);
    }

    private static Iterable<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException | RuntimeException e) {
            return java.util.List.of();
        }
    }
}
