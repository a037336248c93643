package dev.tandem.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.api.RedirectAnswers;
import dev.tandem.api.SessionAnswers;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** What the client reads in the session service's answers (docs/api.md, SessionAnswers). */
final class Replies {
    /** Reads the session service's answers into their records; a field a newer service adds is skipped. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Replies() {}

    /** The member the cluster address assigned ({@code url}, or {@code host} and {@code port} under {@code scheme}). */
    static java.net.URI assigned(HttpResponse<String> r, String scheme) throws IOException, java.net.URISyntaxException {
        RedirectAnswers.Assignment a = JSON.readValue(r.body(), RedirectAnswers.Assignment.class);
        if (a.url() != null) return java.net.URI.create(a.url());
        if (a.host() == null) throw new IOException("no url and no host in it");
        return new java.net.URI(scheme, null, a.host(), a.port(), null, null, null);
    }

    /**
     * The re-login limits the answering node advertised ({@link SessionAnswers#RELOGIN_HEADER}: lower and upper in
     * milliseconds, {@code LOWER-UPPER}); empty when the answer has none or they make no sense (a proxy's answer, an
     * older node), and the client keeps what it had.
     */
    static Optional<ReloginDelay> relogin(HttpResponse<?> r) {
        Optional<String> h = r.headers().firstValue(SessionAnswers.RELOGIN_HEADER);
        if (h.isEmpty()) return Optional.empty();
        String[] parts = h.get().strip().split("-", -1);
        if (parts.length != 2) return Optional.empty();
        try {
            return Optional.of(new ReloginDelay(Duration.ofMillis(Long.parseLong(parts[0].strip())),
                    Duration.ofMillis(Long.parseLong(parts[1].strip()))));
        } catch (IllegalArgumentException e) { // not numbers, or lower above upper
            return Optional.empty();
        }
    }

    /** A login's or a heartbeat's answer. */
    static SessionAnswers.Session session(HttpResponse<String> r) throws IOException {
        return JSON.readValue(r.body(), SessionAnswers.Session.class);
    }

    /**
     * The error code of an answer ("" when it has none). The 503s a failover answers with while the session moves,
     * {@code moving} and {@code node-unavailable}, keep the session and repeat the heartbeat.
     */
    static String errorCode(HttpResponse<String> r) {
        return refusal(r).map(SessionAnswers.Refusal::error).orElse("");
    }

    static String nodeOf(HttpResponse<String> r) {
        try {
            JsonNode a = JSON.readTree(r.body());
            return a != null && a.hasNonNull("node") ? a.get("node").asText() : null;
        } catch (Exception ex) {
            return null;
        }
    }

    static String reasonOf(HttpResponse<String> r) {
        return refusal(r).map(x -> ": " + (x.reason() != null ? x.reason() : x.error())).orElse("");
    }

    /** The session service's refusal in an answer; empty when the body is none (not JSON: the status says enough). */
    static Optional<SessionAnswers.Refusal> refusal(HttpResponse<String> r) {
        try {
            SessionAnswers.Refusal x = JSON.readValue(r.body(), SessionAnswers.Refusal.class);
            return x == null || x.error() == null ? java.util.Optional.empty() : java.util.Optional.of(x);
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /** Retry-After in seconds (RFC 9110); a date or nonsense counts as none. */
    static Duration retryAfter(HttpResponse<?> r) {
        Optional<String> v = r.headers().firstValue("Retry-After");
        if (v.isEmpty() || !v.get().strip().matches("\\d{1,9}")) return Duration.ZERO;
        return Duration.ofSeconds(Long.parseLong(v.get().strip()));
    }

    static String describe(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && (c instanceof java.util.concurrent.CompletionException || c.getMessage() == null)) {
            c = c.getCause();
        }
        String m = c.getMessage();
        return c.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " (" + m + ")");
    }
}
