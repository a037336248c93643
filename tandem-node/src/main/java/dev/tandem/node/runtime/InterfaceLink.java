package dev.tandem.node.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Whether a network interface's link is up, as Linux reports it under /sys/class/net/NAME: the critical-service check
 * of kind {@code interface} ([LB-FAILOVER]: the health of the active interfaces is monitored). The rule, with its
 * reasons, is docs/decisions/0079-interface-checks-read-link-state.md: up while {@code operstate} is {@code up}, or
 * {@code unknown} (the loopback and virtual drivers that do not track it), and {@code carrier} is 1.
 */
final class InterfaceLink {
    /** Where Linux publishes every network interface. */
    static final Path SYSFS = Path.of("/sys/class/net");

    private final Path root;

    InterfaceLink(Path root) {
        this.root = root;
    }

    /** Null while the interface's link is up, else why it is not (naming the interface and what was read). */
    String down(String name) {
        if (!Files.isDirectory(root)) {
            return "cannot read link state: " + root + " does not exist (interface checks need Linux)";
        }
        Path dir = root.resolve(name);
        if (!Files.isDirectory(dir)) {
            return "no network interface '" + name + "' on this host (it has: " + present() + ")";
        }
        String operstate = read(dir.resolve("operstate"));
        if (operstate == null) return "interface " + name + ": operstate cannot be read";
        if (!operstate.equals("up") && !operstate.equals("unknown")) {
            return "interface " + name + " is " + operstate + " (operstate), not up";
        }
        // carrier cannot be read (EINVAL) while the interface is administratively down.
        String carrier = read(dir.resolve("carrier"));
        if (carrier == null) return "interface " + name + " has no readable carrier (administratively down?)";
        if (!carrier.equals("1")) return "interface " + name + " has no carrier (cable or link lost)";
        return null;
    }

    private String present() {
        try (Stream<Path> s = Files.list(root)) {
            String names = String.join(", ", s.map(p -> p.getFileName().toString()).sorted().toList());
            return names.isEmpty() ? "none" : names;
        } catch (IOException e) {
            return "unreadable";
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            return null; // missing, or refused by the kernel (carrier of a downed interface)
        }
    }
}
