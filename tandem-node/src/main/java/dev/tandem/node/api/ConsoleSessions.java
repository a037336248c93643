package dev.tandem.node.api;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signed-in browsers of this node's console (docs/console.md): a random session id (the cookie) and a random CSRF
 * token each, kept in memory (a restart signs everyone out). A session ends after {@link #IDLE} without a request,
 * after {@link #LONGEST} in all, or when its operator is removed; its role is read from the store again every
 * {@link #RECHECK}, so a removed operator or a changed role takes effect on every node within that time.
 */
final class ConsoleSessions {
    static final Duration IDLE = Duration.ofMinutes(30);
    static final Duration LONGEST = Duration.ofHours(12);
    static final Duration RECHECK = Duration.ofSeconds(30);
    /** Past this many, the oldest session is closed to make room (a flood of sign-ins cannot grow memory). */
    static final int MOST = 1_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    record Session(String id, String operator, String role, String csrf, Instant created, Instant lastUsed,
                   Instant checked) {
        boolean admin() {
            return role.equals(dev.tandem.node.store.ClusterStore.Operator.ADMIN);
        }
    }

    private final Map<String, Session> byId = new ConcurrentHashMap<>();

    Session open(String operator, String role, Instant now) {
        if (byId.size() >= MOST) {
            byId.values().stream().min(java.util.Comparator.comparing(Session::lastUsed))
                    .ifPresent(oldest -> byId.remove(oldest.id()));
        }
        Session s = new Session(token(), operator, role, token(), now, now, now);
        byId.put(s.id(), s);
        return s;
    }

    /**
     * The live session with this id, marked as used now; empty when there is none or it has expired. Each change is
     * made in place ({@code computeIfPresent}), so a request still in flight never brings back a session that a
     * sign-out or a removed operator closed meanwhile.
     */
    Optional<Session> use(String id, Instant now) {
        if (id == null) return Optional.empty();
        return Optional.ofNullable(byId.computeIfPresent(id, (k, s) ->
                now.isAfter(s.lastUsed().plus(IDLE)) || now.isAfter(s.created().plus(LONGEST)) ? null
                        : new Session(s.id(), s.operator(), s.role(), s.csrf(), s.created(), now, s.checked())));
    }

    /** The session after its operator was looked up again: its new role, or closed when the operator is gone. */
    Optional<Session> rechecked(Session s, Optional<String> role, Instant now) {
        return Optional.ofNullable(byId.computeIfPresent(s.id(), (k, old) -> role.map(r -> new Session(old.id(),
                old.operator(), r, old.csrf(), old.created(), old.lastUsed(), now)).orElse(null)));
    }

    void close(String id) {
        byId.remove(id);
    }

    /** Closes every session of {@code operator} on this node (it was removed, or its password changed). */
    void closeAll(String operator) {
        byId.values().removeIf(s -> s.operator().equals(operator));
    }

    int size() {
        return byId.size();
    }

    private static String token() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
