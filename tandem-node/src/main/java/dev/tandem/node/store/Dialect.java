package dev.tandem.node.store;

import com.zaxxer.hikari.HikariConfig;
import dev.tandem.core.Invalid;
import java.time.Duration;
import java.util.Locale;

/** The two databases the store runs on, and what each needs of its URL and connections (docs/store.md). */
enum Dialect {
    H2("h2", "jdbc:h2:"),
    POSTGRESQL("postgresql", "jdbc:postgresql:");

    /**
     * H2 over AUTO_SERVER: the process serving the file may stall (stopped, swapping) with its port still open, and
     * a statement on it would wait for ever. A read on the socket gives up after this. It bounds a statement, not
     * a write's wait for the store (that is {@link Transactions}'s): long enough for a healthy server to commit the
     * largest import, so that a slow commit is never reported as not made.
     */
    static final Duration H2_NETWORK_TIMEOUT = Duration.ofSeconds(30);

    private final String display;
    private final String prefix;

    Dialect(String display, String prefix) {
        this.display = display;
        this.prefix = prefix;
    }

    static Dialect of(String url) {
        for (Dialect d : values()) if (url != null && url.startsWith(d.prefix)) return d;
        throw new Invalid("store.url", url, "a jdbc:h2: or jdbc:postgresql: URL");
    }

    /** The name the API and the CLI show: h2 or postgresql. */
    String display() {
        return display;
    }

    /** Only PostgreSQL tells other nodes of a write (LISTEN/NOTIFY); H2's readers poll. */
    boolean notifies() {
        return this == POSTGRESQL;
    }

    /** The pool's settings for this database: its URL as the store needs it, and PostgreSQL's socket bounds. */
    void configure(HikariConfig cfg, String url) {
        if (this == H2) {
            cfg.setJdbcUrl(boundedH2(durableH2(url)));
        } else {
            cfg.setJdbcUrl(url);
            cfg.addDataSourceProperty("connectTimeout", "2");
            cfg.addDataSourceProperty("socketTimeout", "120");
            cfg.addDataSourceProperty("tcpKeepAlive", "true");
        }
    }

    /**
     * H2 writes a commit to its file up to half a second later by default; a node process killed in that window
     * would take acknowledged writes with it (it may be the process serving the file to the others). Unless the
     * URL says otherwise, every commit is written before it is acknowledged.
     */
    static String durableH2(String url) {
        return url.toUpperCase(Locale.ROOT).contains("WRITE_DELAY=") ? url : url + ";WRITE_DELAY=0";
    }

    /** A stalled H2 server fails a statement after {@link #H2_NETWORK_TIMEOUT} rather than never; no trace file (unless the URL says). */
    static String boundedH2(String url) {
        String upper = url.toUpperCase(Locale.ROOT);
        String bounded = upper.contains("NETWORK_TIMEOUT=") ? url : url + ";NETWORK_TIMEOUT=" + H2_NETWORK_TIMEOUT.toMillis();
        // H2 writes every failed connection, stack trace and all, to a .trace.db file next to the store: hundreds of
        // lines a minute during an outage. The node's own log says when the store goes and comes back.
        return upper.contains("TRACE_LEVEL_FILE=") ? bounded : bounded + ";TRACE_LEVEL_FILE=0";
    }
}
