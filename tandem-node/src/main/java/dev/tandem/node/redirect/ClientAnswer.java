package dev.tandem.node.redirect;

/** What the director tells a new client: go to a member, or not now. */
public sealed interface ClientAnswer {

    /**
     * Go to a member.
     *
     * @param host   where to send the client: the member's FQDN, NAT address or public address
     * @param member the member's name in the load-balancing group
     * @param rule   "1" to "4" for the specification's decision rules, "user" for user-homed routing
     */
    record Redirect(String host, String member, String rule) implements ClientAnswer {
        /** The host as it goes in a URL: IPv6 literals in brackets. */
        public String urlHost() {
            return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        }
    }

    /**
     * Not now: every member is full, this node does not direct the group (any more), or the user's nodes are
     * not serving.
     *
     * @param status HTTP status: 503 (try again later) or 400 (the request itself is wrong)
     * @param reason a short machine-readable cause: all-full, not-director, user-unavailable, bad-request
     */
    record Refusal(int status, String reason, String message) implements ClientAnswer {}
}
