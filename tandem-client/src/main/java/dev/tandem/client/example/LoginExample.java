package dev.tandem.client.example;

import dev.tandem.client.ClientState;
import dev.tandem.client.TandemClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Logs {@code count} users in through a cluster address and prints every state change until Ctrl-C.
 *
 * <pre>java -cp tandem-client.jar:jackson-*.jar dev.tandem.client.example.LoginExample http://127.0.0.10:8443 5 1s 3s</pre>
 *
 * Arguments: {@code --ca FILE} first for HTTPS with a certificate the JDK does not know (the CA's PEM file), then the
 * cluster URL, how many users (user1, user2, ...; default 1), and the re-login lower and upper limits (default 120s
 * and 537s, the specification ([RG-RELOGIN])).
 */
public final class LoginExample {
    private LoginExample() {}

    public static void main(String[] args) throws InterruptedException {
        java.nio.file.Path trust = null;
        if (args.length >= 2 && args[0].equals("--ca")) {
            trust = java.nio.file.Path.of(args[1]);
            args = java.util.Arrays.copyOfRange(args, 2, args.length);
        }
        if (args.length < 1) {
            System.err.println("usage: LoginExample [--ca PEM-FILE] CLUSTER-URL [COUNT] [RELOGIN-LOWER RELOGIN-UPPER]");
            System.exit(2);
        }
        URI cluster = URI.create(args[0]);
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Duration lower = args.length > 3 ? seconds(args[2]) : Duration.ofSeconds(120);
        Duration upper = args.length > 3 ? seconds(args[3]) : Duration.ofSeconds(537);

        // One HTTP client and one scheduler thread for every user: a client holds no thread of its own.
        HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (trust != null) hb.sslContext(dev.tandem.client.TrustFile.sslContext(trust)); // https:// with a private CA
        HttpClient http = hb.build();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        List<TandemClient> clients = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            TandemClient c = TandemClient.builder(cluster)
                    .user("user" + i)
                    .reloginLimits(lower, upper)
                    .httpClient(http)
                    .scheduler(scheduler)
                    .listener(LoginExample::print)
                    .build();
            clients.add(c.start());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> clients.forEach(TandemClient::close)));
        Thread.currentThread().join();
    }

    private static void print(TandemClient client, ClientState state) {
        String who = client.user().orElse("anonymous");
        String what = switch (state) {
            case ClientState.Idle i -> "idle";
            case ClientState.Connecting c -> "connecting to " + c.cluster() + " (attempt " + c.attempt() + ")";
            case ClientState.LoggedIn in -> "logged in at " + in.node() + " (" + in.member() + ")";
            case ClientState.Lost l -> "lost " + l.node() + ": " + l.reason();
            case ClientState.ReloginScheduled r -> "re-login in " + r.delay().toMillis() / 1000.0 + " s: " + r.reason();
            case ClientState.Closed c -> "closed";
        };
        System.out.println(who + ": " + what);
    }

    private static Duration seconds(String text) {
        String t = text.endsWith("s") ? text.substring(0, text.length() - 1) : text;
        return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
    }
}
