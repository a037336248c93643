package dev.tandem.cli.demo;

import java.util.Map;

/**
 * What the demo's clients see: how many there are, where each one is logged in (by the address the director sent it
 * to: a member's public address, in the demo its service address), how many wait to log in again, and how many times
 * they had to.
 */
public record ClientStats(int clients, Map<String, Integer> byAddress, int waiting, long relogins, long refusals) {
    public static final ClientStats NONE = new ClientStats(0, Map.of(), 0, 0, 0);

    public int loggedIn() {
        return byAddress.values().stream().mapToInt(Integer::intValue).sum();
    }
}
