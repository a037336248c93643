package dev.tandem.core.lb;

import java.util.List;

/**
 * What {@code show vpn load-balancing} prints ([LB-SHOW]):
 * status, role (Master or Backup), failover, encryption, cluster IP, peers, and one row per member.
 *
 * @param phase    Tandem's finer phase (Discovering, Joining, Member, Director, Refused, Stopped)
 * @param failover the failover state of this node's pair as the shell knows it (for example Active, Standby, n/a)
 * @param peers    the other members this node knows
 */
public record LbView(String status, String role, String phase, String failover, String encryption,
                     String clusterIp, int peers, List<Row> rows) {

    public LbView {
        rows = List.copyOf(rows);
    }

    /** One member: "Public IP, Role, Pri, Model, Load % IPsec SSL, Sessions IPsec SSL". */
    public record Row(String publicIp, String role, int priority, String model, int ipsecLoad, int sslLoad,
                      int ipsecSessions, int sslSessions) {}

    /** The text as the specification prints it. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("Status : ").append(status).append('\n');
        sb.append("Role : ").append(role).append('\n');
        sb.append("Failover : ").append(failover).append('\n');
        sb.append("Encryption : ").append(encryption).append('\n');
        sb.append("Cluster IP : ").append(clusterIp).append('\n');
        sb.append("Peers : ").append(peers).append('\n');
        sb.append('\n');
        sb.append(String.format("%-40s %-15s%n", "", "Load %        Sessions"));
        sb.append(String.format("%-39s %-6s %3s %-10s %5s %5s %7s %7s%n", "Public IP", "Role", "Pri", "Model",
                "IPsec", "SSL", "IPsec", "SSL"));
        for (Row r : rows) {
            sb.append(String.format("%-39s %-6s %3d %-10s %5d %5d %7d %7d%n", r.publicIp(), r.role(), r.priority(),
                    r.model(), r.ipsecLoad(), r.sslLoad(), r.ipsecSessions(), r.sslSessions()));
        }
        return sb.toString();
    }
}
