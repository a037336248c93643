package dev.tandem.bench.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Readings of a process from /proc (Linux). */
public final class ProcStat {
    /** Clock ticks per second of /proc/PID/stat: USER_HZ, 100 on every Linux architecture Tandem runs on. */
    public static final int TICKS_PER_SECOND = 100;

    private ProcStat() {}

    /** Resident memory in KiB (VmRSS of /proc/PID/status); -1 when unknown. */
    public static long rssKib(long pid) {
        return status(pid, "VmRSS:");
    }

    /** The process's threads (Threads of /proc/PID/status); -1 when unknown. */
    public static long threads(long pid) {
        return status(pid, "Threads:");
    }

    /** Open file descriptors (entries of /proc/PID/fd); -1 when unknown. */
    public static long openFiles(long pid) {
        try (var s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return s.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long status(long pid, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(key)) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not Linux
        }
        return -1;
    }

    /** utime + stime of the process (all its threads), fields 14 and 15 of /proc/PID/stat. */
    public static long cpuTicks(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
