package dev.tandem.core.lb;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Which member takes the next session, by the specification's rules 1 to 4 ([LB-RULES]):
 * <ol>
 *   <li>"The director takes the connection if all members have a load at 1% higher than the director."</li>
 *   <li>"If the director does not take the connection, the session is taken by whichever member device
 *       has the lowest load percentage."</li>
 *   <li>"If all members have the same percentage load, the member with the least number of sessions gets
 *       the session."</li>
 *   <li>"If all members have the same percentage load and the same number of sessions, the member with the
 *       lowest IP address gets the session."</li>
 * </ol>
 * A full member (100%) or one not heard recently is never chosen, and counts as "higher" for rule 1.
 * If nobody can take the session the answer is no member, with the reason. In centralized mode the
 * director serves every session and never redirects ([LB-MODES]).
 *
 * <p>One decision is a few linear passes over plain arrays; the per-member load map is built only
 * when asked for.
 */
public final class LbDecision {
    private final IpAddress chosen;
    private final int rule;
    private final String reason;
    private final Candidate director;
    private final List<Candidate> members;

    private LbDecision(IpAddress chosen, int rule, String reason, Candidate director, List<Candidate> members) {
        this.chosen = chosen;
        this.rule = rule;
        this.reason = reason;
        this.director = director;
        this.members = members;
    }

    /** The member to redirect to, or empty when no member can take the session. */
    public Optional<IpAddress> chosen() {
        return Optional.ofNullable(chosen);
    }

    /** The specification rule (1 to 4) that decided; empty for a refusal or in centralized mode. */
    public OptionalInt rule() {
        return rule == 0 ? OptionalInt.empty() : OptionalInt.of(rule);
    }

    /** One line saying why, with the loads that decided. */
    public String reason() {
        return reason;
    }

    /** Every member's load percentage, the director's included, in ascending IP order as the director keeps them. */
    public Map<IpAddress, Integer> loads() {
        Map<IpAddress, Integer> sorted = new TreeMap<>();
        sorted.put(director.address(), director.load().percent());
        for (Candidate m : members) sorted.put(m.address(), m.load().percent());
        return Collections.unmodifiableMap(new LinkedHashMap<>(sorted));
    }

    @Override
    public String toString() {
        return "LbDecision[chosen=" + chosen + ", rule=" + rule + ", reason=" + reason + "]";
    }

    /** No decision at all: this node cannot decide (it is not the director). */
    static LbDecision none(Candidate self, String reason) {
        return new LbDecision(null, 0, reason, self, List.of());
    }

    /** A session of any class. */
    public static LbDecision decide(Candidate director, List<Candidate> members, VpnMode mode) {
        return decide(director, members, mode, null);
    }

    /**
     * @param director    the director itself
     * @param members     every other member (not the director)
     * @param sessionClass the class of the arriving session, or null for any: members that cannot take
     *                    that class (not offered, or that class full) are not candidates
     */
    public static LbDecision decide(Candidate director, List<Candidate> members, VpnMode mode,
                                    SessionClass sessionClass) {
        List<Candidate> others = List.copyOf(members);
        int n = others.size();
        int[] pct = new int[n];
        boolean[] can = new boolean[n];
        int candidates = 0;
        for (int i = 0; i < n; i++) {
            Candidate m = others.get(i);
            pct[i] = m.load().percent();
            can[i] = m.canTake(sessionClass);
            if (can[i]) candidates++;
        }
        boolean directorCan = director.canTake(sessionClass);
        int dPct = director.load().percent();
        if (mode == VpnMode.CENTRALIZED) return centralized(director, others, directorCan, dPct);

        if (directorCan) {
            int lowest = Integer.MAX_VALUE;
            for (int i = 0; i < n; i++) if (can[i] && pct[i] < lowest) lowest = pct[i];
            // Rule 1: every member that could take the session is at least 1 point above the director.
            if (lowest == Integer.MAX_VALUE) {
                return new LbDecision(director.address(), 1, "rule 1: the director takes the session (" + dPct
                        + "%); no other member can take one", director, others);
            }
            if (lowest >= dPct + 1) {
                return new LbDecision(director.address(), 1, "rule 1: every member's load is at least 1 point above"
                        + " the director's (director " + dPct + "%, lowest member " + lowest + "%)", director, others);
            }
        }
        if (candidates == 0) return refusal(director, others, sessionClass);
        return amongMembers(director, others, pct, can);
    }

    /** Rules 2 to 4 over the members that can take the session (there is at least one). */
    private static LbDecision amongMembers(Candidate director, List<Candidate> others, int[] pct, boolean[] can) {
        int n = others.size();
        int lowest = Integer.MAX_VALUE;
        int atLowest = 0;
        int best = -1;
        for (int i = 0; i < n; i++) {
            if (!can[i]) continue;
            if (pct[i] < lowest) {
                lowest = pct[i];
                atLowest = 1;
                best = i;
            } else if (pct[i] == lowest) {
                atLowest++;
            }
        }
        if (atLowest == 1) {
            return new LbDecision(others.get(best).address(), 2, "rule 2: " + others.get(best).address()
                    + " has the lowest load (" + lowest + "%)", director, others);
        }
        int fewest = Integer.MAX_VALUE;
        int atFewest = 0;
        for (int i = 0; i < n; i++) {
            if (!can[i] || pct[i] != lowest) continue;
            int s = others.get(i).load().sessions();
            if (s < fewest) {
                fewest = s;
                atFewest = 1;
                best = i;
            } else if (s == fewest) {
                atFewest++;
            }
        }
        if (atFewest == 1) {
            return new LbDecision(others.get(best).address(), 3, "rule 3: " + atLowest + " members share the lowest"
                    + " load (" + lowest + "%); " + others.get(best).address() + " has the fewest sessions ("
                    + fewest + ")", director, others);
        }
        IpAddress lowestIp = null;
        for (int i = 0; i < n; i++) {
            if (!can[i] || pct[i] != lowest || others.get(i).load().sessions() != fewest) continue;
            IpAddress ip = others.get(i).address();
            if (lowestIp == null || ip.compareTo(lowestIp) < 0) lowestIp = ip;
        }
        return new LbDecision(lowestIp, 4, "rule 4: " + atFewest + " members share the lowest load (" + lowest
                + "%) and the fewest sessions (" + fewest + "); " + lowestIp + " has the lowest IP", director, others);
    }

    private static LbDecision centralized(Candidate director, List<Candidate> others, boolean directorCan, int dPct) {
        if (directorCan) {
            return new LbDecision(director.address(), 0, "centralized mode: the director serves every session ("
                    + dPct + "%)", director, others);
        }
        return new LbDecision(null, 0, "centralized mode: the director is full (" + dPct + "%) and does not redirect",
                director, others);
    }

    private static LbDecision refusal(Candidate director, List<Candidate> others, SessionClass sessionClass) {
        int full = 0;
        int silent = 0;
        for (Candidate m : others) {
            if (!m.heard()) silent++; else full++;
        }
        full++; // the director cannot take it either, or rule 1 would have given it the session
        StringBuilder why = new StringBuilder("no member can take a");
        why.append(sessionClass == null ? " session: " : "n " + sessionClass.display() + " session: ");
        why.append(full).append(full == 1 ? " is full" : " are full");
        if (silent > 0) why.append(", ").append(silent).append(" not heard from recently");
        return new LbDecision(null, 0, why.toString(), director, others);
    }
}
