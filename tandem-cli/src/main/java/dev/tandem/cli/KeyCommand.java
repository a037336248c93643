package dev.tandem.cli;

import dev.tandem.core.Invalid;
import dev.tandem.node.crypto.ClusterKey;
import dev.tandem.node.crypto.SealedSecret;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tandem key seal}: encrypts a cluster key for {@code cluster.key8} ([LB-GROUP]: {@code cluster key 8}). */
@Command(name = "key", mixinStandardHelpOptions = true, description = "Cluster key tools.",
        subcommands = {KeyCommand.Seal.class})
public final class KeyCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "seal", mixinStandardHelpOptions = true,
            description = {"Read a cluster key from standard input and print it encrypted with the node's master key,"
                    + " for cluster.key8 ([LB-GROUP]: 'cluster key 8' takes an already encrypted key).",
                    "The key itself is never printed; its fingerprint is."})
    static final class Seal implements Callable<Integer> {
        @Option(names = "--master-key-file", required = true, paramLabel = "FILE",
                description = "the node-local passphrase file (the same as cluster.masterKeyFile)")
        Path masterKeyFile;

        @Override
        public Integer call() throws Exception {
            String master = Files.readString(masterKeyFile).strip();
            if (master.length() < 8) throw new Invalid("--master-key-file", "(hidden)", "a passphrase of at least 8 characters");
            String secret = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (secret == null) throw new Invalid("cluster key", null, "a key on standard input");
            secret = secret.strip();
            ClusterKey key = ClusterKey.fromSecret(secret);
            System.out.println(SealedSecret.seal(secret, master));
            System.err.println("sealed the key with fingerprint " + key.fingerprint());
            return 0;
        }
    }
}
