package dev.tandem.cli.doctor;

import dev.tandem.node.config.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;

/**
 * The cluster store: reachable, and at the schema this version migrates to (Flyway's info, read-only: the doctor
 * never migrates nor creates anything; the node does that at start, docs/store.md).
 */
final class StoreCheck {
    private StoreCheck() {}

    static Finding check(NodeConfig c) {
        NodeConfig.Store s = c.store();
        String url = s.url();
        String password = null;
        try {
            if (s.passwordFile() != null) password = Files.readString(s.passwordFile()).strip();
        } catch (IOException e) {
            return Finding.fail("store", "store.passwordFile " + s.passwordFile() + " is not readable", "let the node's"
                    + " user read it");
        }
        // H2 would create a missing file on connect; the doctor only looks.
        String probe = url.startsWith("jdbc:h2:") ? url + ";IFEXISTS=TRUE" : url;
        MigrationInfoService info;
        try {
            Flyway flyway = Flyway.configure(StoreCheck.class.getClassLoader()).dataSource(probe, s.user(), password)
                    .locations("classpath:db/migration").connectRetries(0).load();
            info = flyway.info();
        } catch (RuntimeException e) {
            String why = rootMessage(e);
            if (url.startsWith("jdbc:h2:") && why.contains("not found")) {
                return Finding.ok("store", url + " does not exist yet; the first node to start creates it");
            }
            return Finding.fail("store", url + " is not reachable: " + why, url.startsWith("jdbc:postgresql:")
                    ? "check the database runs, its address, store.user and store.passwordFile, and pg_hba.conf"
                    : "check the path in store.url and that the node's user may read and write it");
        }
        MigrationInfo current = info.current();
        String at = current == null ? "empty" : "version " + current.getVersion();
        MigrationInfo[] all = info.all();
        String latest = all.length == 0 ? "none" : String.valueOf(Arrays.stream(all)
                .filter(m -> m.getState() != MigrationState.FUTURE_SUCCESS && m.getState() != MigrationState.FUTURE_FAILED)
                .reduce((a, b) -> b).map(MigrationInfo::getVersion).orElse(null));
        boolean future = Arrays.stream(all).anyMatch(m -> m.getState() == MigrationState.FUTURE_SUCCESS
                || m.getState() == MigrationState.FUTURE_FAILED);
        if (future) {
            return Finding.fail("store", url + " is at " + at + ", newer than this version knows (" + latest + ")",
                    "upgrade this node to the version the other nodes run");
        }
        if (Arrays.stream(all).anyMatch(m -> m.getState() == MigrationState.FAILED)) {
            return Finding.fail("store", url + " has a failed migration (at " + at + ")",
                    "see tandem db status and docs/store.md before starting nodes");
        }
        int pending = info.pending().length;
        if (pending > 0) {
            return Finding.ok("store", url + " is reachable, at " + at + "; this version migrates it to " + latest
                    + " at start (" + pending + " step" + (pending == 1 ? "" : "s") + ")");
        }
        return Finding.ok("store", url + " is reachable, schema at " + at + " as this version expects");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}
