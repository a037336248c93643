package dev.tandem.node.runtime;

import dev.tandem.core.rm.Versions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The software version of this build: the Maven project version, written into build.properties when the module is
 * built. A node sends it in its heartbeats and shows it in its API (docs/redundancy.md, Versions).
 */
public final class BuildVersion {
    /** What a class path without the built resource (an IDE that skipped the filtering) reports. */
    static final String UNBUILT = "development";
    private static final String VERSION = read();

    private BuildVersion() {}

    public static String get() {
        return VERSION;
    }

    private static String read() {
        Properties p = new Properties();
        try (InputStream in = BuildVersion.class.getResourceAsStream("build.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("build.properties of the node cannot be read", e);
        }
        String v = p.getProperty("version", UNBUILT).trim();
        // An unfiltered placeholder or a version the heartbeat cannot carry is a broken build: say so at once.
        if (v.startsWith("${") || !Versions.validSoftware(v)) {
            throw new IllegalStateException("build.properties names version \"" + v
                    + "\": expected the project version (up to 64 letters, digits and . _ + -)");
        }
        return v;
    }
}
