package dev.tandem.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.api.SessionAnswers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;

class RepliesTest {
    /** An answer that carries only the given re-login header (or none). */
    private static HttpResponse<String> answer(String relogin) {
        Map<String, List<String>> h = relogin == null ? Map.of() : Map.of(SessionAnswers.RELOGIN_HEADER, List.of(relogin));
        return new HttpResponse<>() {
            @Override public int statusCode() { return 200; }
            @Override public HttpRequest request() { return HttpRequest.newBuilder(URI.create("http://127.0.0.1/")).build(); }
            @Override public Optional<HttpResponse<String>> previousResponse() { return Optional.empty(); }
            @Override public HttpHeaders headers() { return HttpHeaders.of(h, (k, v) -> true); }
            @Override public String body() { return ""; }
            @Override public Optional<SSLSession> sslSession() { return Optional.empty(); }
            @Override public URI uri() { return URI.create("http://127.0.0.1/"); }
            @Override public HttpClient.Version version() { return HttpClient.Version.HTTP_1_1; }
        };
    }

    @Test
    void readsTheReloginLimitsANodeAdvertises() {
        assertThat(Replies.relogin(answer("120000-537000")))
                .hasValue(new ReloginDelay(Duration.ofSeconds(120), Duration.ofSeconds(537)));
        assertThat(Replies.relogin(answer(" 0-0 "))).hasValue(new ReloginDelay(Duration.ZERO, Duration.ZERO));
    }

    /** A proxy's answer, an older node or a broken header leaves the client with what it had: no limits read. */
    @Test
    void aMissingOrBrokenHeaderGivesNoLimits() {
        assertThat(Replies.relogin(answer(null))).isEmpty();
        for (String bad : List.of("", "120000", "120000-", "-537000", "a-b", "537000-120000", "1-2-3", "-1-5",
                "99999999999999999999-1")) {
            assertThat(Replies.relogin(answer(bad))).as(bad).isEmpty();
        }
    }
}
