package dev.tandem.api;

import java.util.List;

/** A load-balancing member's view ({@code show vpn load-balancing}) and the load it is told. */
public final class LoadBalancingAnswers {
    private LoadBalancingAnswers() {}

    /**
     * {@code GET /api/v1/load-balancing}: what {@code show vpn load-balancing} shows, and in {@code text} as the
     * specification prints it.
     *
     * @param mode     the group's mode as this node runs it now: distributed or centralized (it follows the store)
     * @param member   this node's member name in the group
     * @param speaking whether this node speaks for the member (one node of a pair does)
     * @param director the director's member name; null while there is none
     */
    public record LoadBalancing(String status, String role, String phase, String failover, String encryption,
                                String clusterIp, String mode, int peers, String member, boolean speaking,
                                boolean holdsClusterAddress, @Nullable String director, List<MemberRow> members,
                                String text) {}

    /** One member: "Public IP, Role, Pri, Model, Load % IPsec SSL, Sessions IPsec SSL". */
    public record MemberRow(String publicIp, String role, int priority, String model, int ipsecLoad, int sslLoad,
                            int ipsecSessions, int sslSessions) {}

    /** {@code PUT /api/v1/load}: the sessions of each class now, and the most allowed; a class left out has none. */
    public record LoadReport(@Nullable ClassCount ssl, @Nullable ClassCount ipsec) {}

    public record ClassCount(int active, int max) {}

    /** The load as the member will report it: each class and the member's load percentage. */
    public record LoadAnswer(ClassCount ipsec, ClassCount ssl, int percent) {}
}
