package dev.tandem.cli.admin;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** Where the node's admin API is and how to authenticate: the options every admin command takes. */
public final class AdminOptions {
    /** [RG-HB]: the admin RPC port is 20075. */
    public static final String DEFAULT_ADMIN = "http://127.0.0.1:20075";
    public static final String TOKEN_VARIABLE = "TANDEM_TOKEN";
    /** The environment, replaceable in tests. */
    static Function<String, String> environment = System::getenv;

    @Option(names = "--admin", paramLabel = "URL", defaultValue = DEFAULT_ADMIN,
            description = "The node's admin API (default: ${DEFAULT-VALUE}).")
    String admin = DEFAULT_ADMIN;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "A file holding the admin token; else the environment variable " + TOKEN_VARIABLE + ".")
    Path tokenFile;

    @Option(names = "--ca", paramLabel = "FILE",
            description = "For an https:// admin API: the PEM file of the CA (or the node's own certificate) to trust.")
    Path ca;

    @Option(names = "--json", description = "Print the API's JSON answer, for scripts.")
    boolean json;

    public boolean json() {
        return json;
    }

    /** A client for the node named by the options; a missing token or a malformed URL is a usage error. */
    public AdminHttp client() {
        URI base;
        try {
            base = URI.create(admin.endsWith("/") ? admin.substring(0, admin.length() - 1) : admin);
            if (base.getScheme() == null || !(base.getScheme().equals("http") || base.getScheme().equals("https"))
                    || base.getHost() == null) {
                throw new IllegalArgumentException("no http(s) scheme or host");
            }
        } catch (IllegalArgumentException e) {
            throw new CliFailure(CliFailure.USAGE, "--admin: '" + admin + "' is not allowed; allowed: an http or https URL"
                    + " such as " + DEFAULT_ADMIN);
        }
        return new AdminHttp(base, token(), trust());
    }

    private javax.net.ssl.SSLContext trust() {
        if (ca == null) return null;
        try {
            return dev.tandem.node.tls.PemTls.trusting(ca, "--ca");
        } catch (IllegalStateException e) {
            throw new CliFailure(CliFailure.USAGE, e.getMessage());
        }
    }

    private String token() {
        if (tokenFile != null) {
            try {
                String t = Files.readString(tokenFile).strip();
                if (t.isEmpty()) throw new CliFailure(CliFailure.USAGE, "--token-file: '" + tokenFile + "' is empty");
                return t;
            } catch (IOException e) {
                throw new CliFailure(CliFailure.USAGE, "--token-file: '" + tokenFile + "' cannot be read ("
                        + e.getClass().getSimpleName() + "); allowed: a readable file holding the admin token");
            }
        }
        String env = environment.apply(TOKEN_VARIABLE);
        if (env != null && !env.isBlank()) return env.strip();
        throw new CliFailure(CliFailure.USAGE, "no admin token: give --token-file FILE or set " + TOKEN_VARIABLE);
    }
}
