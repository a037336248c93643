package dev.tandem.node.api;

import dev.tandem.node.runtime.BuildVersion;

/** The version of the running build. */
public final class Version {
    private Version() {}

    public static String get() {
        return BuildVersion.get();
    }
}
