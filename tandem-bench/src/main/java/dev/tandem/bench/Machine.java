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
