package dev.tandem.api;

/** The director's redirect service's answers on the cluster address (docs/redirect.md). */
public final class RedirectAnswers {
    private RedirectAnswers() {}

    /**
     * {@code GET /.well-known/tandem/assign?user=U}: the member the director chose, as the 302 of a login would name
     * it.
     *
     * @param host   the member's address (or name, with redirect-fqdn) as a client reaches it
     * @param port   the session service's port there
     * @param url    {@code scheme://host:port/}
     * @param member the member's name in the group
     * @param rule   which of the director's rules chose it (for example least-loaded)
     */
    public record Assignment(String host, int port, String url, String member, String rule) {}

    /**
     * A refusal: the code a program branches on in {@code reason} (for example no-member), the text for people in
     * {@code error} and again in {@code message}. A 503 also has a {@code Retry-After} header.
     */
    public record Refusal(String error, String message, String reason) {}
}
