package dev.tandem.core.lb;

/**
 * A group setting two members disagree on ([LB-PREREQ]: all members share the
 * cluster-specific values). The key appears only as a fingerprint.
 *
 * @param setting the setting's name: cluster address, cluster port, cluster encryption, cluster key or mode
 * @param here    its value on this node
 * @param there   its value on the peer
 */
public record SettingsDifference(String setting, String here, String there) {

    /** The same, naming both sides: "cluster port differs: 9023 on east, 4444 on west". */
    public String between(Object hereName, Object thereName) {
        return setting + " differs: " + here + " on " + hereName + ", " + there + " on " + thereName;
    }

    /** One line for logs and errors. */
    public String message() {
        return setting + " differs: " + here + " here, " + there + " on the peer";
    }
}
