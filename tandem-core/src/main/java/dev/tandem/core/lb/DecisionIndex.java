package dev.tandem.core.lb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rules 1 to 4 of {@link LbDecision} kept up to date as loads change, for a director that decides many sessions
 * between two changes. Rules 2 to 4 pick the least member by (load %, sessions, address); rule 1 compares the
 * director with that least member. So each session class (any, IPsec, SSL) keeps the members that can take it in a
 * binary min-heap by that order: a decision reads the heap's top, O(1); a keepalive, a redirect or a member going
 * silent moves one member, O(log n); neither allocates. The reason text is built only by {@link #explain}, from the
 * same figures, with {@link LbDecision}'s own rules.
 *
 * <p>Members are named by slots, which {@link #slot} hands out per public address. A member is heard until the
 * instant its last keepalive plus the group's staleness bound has passed (as in {@link LoadBalancer#decide});
 * {@link #expire} lets the silent ones go, and every decision at a given instant calls it first. Not thread-safe:
 * one owner (the redirect service's thread on a node).
 */
public final class DecisionIndex {
    /** {@link #decide}: the director takes the session. */
    public static final int DIRECTOR = -2;
    /** {@link #decide}: nobody can take the session. */
    public static final int NONE = -1;
    /** A member that is not heard (or was removed) never leaves silence by expiry. */
    private static final long NEVER = Long.MIN_VALUE;

    private final VpnMode mode;
    private final long staleAfterNanos;
    private final Map<IpAddress, Integer> slots = new HashMap<>();
    private IpAddress[] address = new IpAddress[8];
    private int[] ipsecActive = new int[8];
    private int[] ipsecMax = new int[8];
    private int[] sslActive = new int[8];
    private int[] sslMax = new int[8];
    private int[] percent = new int[8];
    private int[] sessions = new int[8];
    private long[] heardUntil = new long[8];
    private boolean[] present = new boolean[8];
    /** By class: 0 any, 1 IPsec, 2 SSL. */
    private final Heap[] byClass = {new Heap(Order.LOAD), new Heap(Order.LOAD), new Heap(Order.LOAD)};
    /** The heard members by when they fall silent, soonest first. */
    private final Heap silence = new Heap(Order.SILENCE);
    private IpAddress directorAddress;
    private Load directorLoad = Load.NONE;
    private int directorPercent;

    /**
     * @param directorAddress the director's own public address
     * @param staleAfterNanos how long after its last keepalive a member is still sent clients
     *                        ({@link LbTiming#memberStaleAfter()})
     */
    public DecisionIndex(IpAddress directorAddress, VpnMode mode, long staleAfterNanos) {
        this.directorAddress = directorAddress;
        this.mode = mode;
        this.staleAfterNanos = staleAfterNanos;
    }

    /** The director's own load (it decides rule 1). */
    public void director(IpAddress publicAddress, Load load) {
        directorAddress = publicAddress;
        directorLoad = load;
        directorPercent = load.percent();
    }

    /** The slot of the member at {@code publicAddress}, made when it is new. */
    public int slot(IpAddress publicAddress) {
        Integer known = slots.get(publicAddress);
        if (known != null) return known;
        int s = slots.size();
        if (s == address.length) grow();
        slots.put(publicAddress, s);
        address[s] = publicAddress;
        heardUntil[s] = NEVER;
        return s;
    }

    /** The public address of a slot's member. */
    public IpAddress address(int slot) {
        return address[slot];
    }

    /** Whether the slot's member is in the table and heard recently enough at {@code nowNanos} to be sent clients. */
    public boolean heard(int slot, long nowNanos) {
        return present[slot] && heardUntil[slot] != NEVER && heardUntil[slot] >= nowNanos;
    }

    /** How many slots were handed out (removed members keep theirs). */
    public int slots() {
        return slots.size();
    }

    /**
     * A member's load as it reported it, and when the director last heard it.
     *
     * @param heard        false when the director does not send it clients whatever the time (its handshake is not
     *                     done, or it was never heard)
     * @param heardAtNanos when the director last heard it, on the same scale as {@link #expire}'s instant
     */
    public void update(int slot, Load load, boolean heard, long heardAtNanos) {
        ipsecActive[slot] = load.ipsec().active();
        ipsecMax[slot] = load.ipsec().max();
        sslActive[slot] = load.ssl().active();
        sslMax[slot] = load.ssl().max();
        heardUntil[slot] = heard ? heardAtNanos + staleAfterNanos : NEVER;
        present[slot] = true;
        reindex(slot);
    }

    /** The member left the topology. */
    public void remove(int slot) {
        present[slot] = false;
        heardUntil[slot] = NEVER;
        reindex(slot);
    }

    /**
     * The director sent {@code slot}'s member a session of class {@code c}: count it until the member's next report
     * replaces it, as {@link LbEvent.Redirected} does (a class already at its maximum stays there).
     */
    public void redirected(int slot, SessionClass c) {
        if (c == SessionClass.IPSEC) {
            if (ipsecActive[slot] < ipsecMax[slot]) ipsecActive[slot]++;
        } else if (sslActive[slot] < sslMax[slot]) {
            sslActive[slot]++;
        }
        reindex(slot);
    }

    /** Members silent since before {@code nowNanos} minus the staleness bound get no more clients. */
    public void expire(long nowNanos) {
        while (silence.size > 0 && heardUntil[silence.top()] < nowNanos) {
            int s = silence.top();
            heardUntil[s] = NEVER;
            reindex(s);
        }
    }

    /**
     * Who takes the next session of class {@code c} (null: any class) at {@code nowNanos}: a member's slot,
     * {@link #DIRECTOR} or {@link #NONE}. Allocates nothing.
     */
    public int decide(SessionClass c, long nowNanos) {
        expire(nowNanos);
        Heap h = byClass[classIndex(c)];
        boolean directorCan = directorLoad.canTake(c);
        if (mode == VpnMode.CENTRALIZED) return directorCan ? DIRECTOR : NONE;
        if (directorCan && (h.size == 0 || percent[h.top()] >= directorPercent + 1)) return DIRECTOR;
        return h.size == 0 ? NONE : h.top();
    }

    /**
     * The rule (1 to 4) behind {@link #decide}'s answer at the same instant, 0 for a refusal or in centralized mode.
     * Allocates nothing.
     */
    public int rule(SessionClass c, long nowNanos) {
        int chosen = decide(c, nowNanos);
        if (chosen == NONE || mode == VpnMode.CENTRALIZED) return 0;
        if (chosen == DIRECTOR) return 1;
        Heap h = byClass[classIndex(c)];
        int second = h.secondBest();
        if (second < 0 || percent[second] > percent[chosen]) return 2;
        return sessions[second] > sessions[chosen] ? 3 : 4;
    }

    /** The same decision with its reason, for {@code lb explain}, refusals and logs: built by {@link LbDecision}. */
    public LbDecision explain(SessionClass c, long nowNanos) {
        expire(nowNanos);
        List<Candidate> members = new ArrayList<>(slots.size());
        for (int s = 0; s < slots.size(); s++) {
            if (!present[s]) continue;
            Load l = new Load(new ClassLoad(ipsecActive[s], ipsecMax[s]), new ClassLoad(sslActive[s], sslMax[s]));
            members.add(new Candidate(address[s], l, heardUntil[s] != NEVER));
        }
        return LbDecision.decide(Candidate.of(directorAddress, directorLoad), members, mode, c);
    }

    private static int classIndex(SessionClass c) {
        return c == null ? 0 : c == SessionClass.IPSEC ? 1 : 2;
    }

    /** Recomputes a slot's figures and puts it where it now belongs in every heap. */
    private void reindex(int s) {
        int active = ipsecActive[s] + sslActive[s];
        int max = ipsecMax[s] + sslMax[s];
        percent[s] = ClassLoad.percent(active, max);
        sessions[s] = active;
        boolean heard = present[s] && heardUntil[s] != NEVER;
        boolean any = heard && max != 0 && percent[s] < 100;
        byClass[0].place(s, any);
        byClass[1].place(s, any && !ClassLoad.full(ipsecActive[s], ipsecMax[s]));
        byClass[2].place(s, any && !ClassLoad.full(sslActive[s], sslMax[s]));
        silence.place(s, heard);
    }

    private void grow() {
        int n = address.length * 2;
        address = Arrays.copyOf(address, n);
        ipsecActive = Arrays.copyOf(ipsecActive, n);
        ipsecMax = Arrays.copyOf(ipsecMax, n);
        sslActive = Arrays.copyOf(sslActive, n);
        sslMax = Arrays.copyOf(sslMax, n);
        percent = Arrays.copyOf(percent, n);
        sessions = Arrays.copyOf(sessions, n);
        heardUntil = Arrays.copyOf(heardUntil, n);
        present = Arrays.copyOf(present, n);
        for (Heap h : byClass) h.grow(n);
        silence.grow(n);
    }

    private enum Order { LOAD, SILENCE }

    /** An indexed binary min-heap of slots: where each slot sits is known, so one slot moves in O(log n). */
    private final class Heap {
        private final Order order;
        private int[] heap = new int[8];
        private int[] at = filled(8);
        private int size;

        Heap(Order order) {
            this.order = order;
        }

        int top() {
            return heap[0];
        }

        /** The least slot after the top, or -1. */
        int secondBest() {
            if (size < 2) return -1;
            if (size == 2 || less(heap[1], heap[2])) return heap[1];
            return heap[2];
        }

        /** Puts {@code s} in the heap at its place ({@code in}) or takes it out. */
        void place(int s, boolean in) {
            int i = at[s];
            if (!in) {
                if (i >= 0) removeAt(i);
                return;
            }
            if (i < 0) {
                i = size++;
                heap[i] = s;
                at[s] = i;
            }
            if (!up(i)) down(i);
        }

        void grow(int n) {
            heap = Arrays.copyOf(heap, n);
            int old = at.length;
            at = Arrays.copyOf(at, n);
            Arrays.fill(at, old, n, -1);
        }

        private void removeAt(int i) {
            int s = heap[i];
            at[s] = -1;
            size--;
            if (i == size) return;
            int last = heap[size];
            heap[i] = last;
            at[last] = i;
            if (!up(i)) down(i);
        }

        private boolean up(int i) {
            int s = heap[i];
            boolean moved = false;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (!less(s, heap[parent])) break;
                heap[i] = heap[parent];
                at[heap[i]] = i;
                i = parent;
                moved = true;
            }
            heap[i] = s;
            at[s] = i;
            return moved;
        }

        private void down(int i) {
            int s = heap[i];
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) break;
                if (child + 1 < size && less(heap[child + 1], heap[child])) child++;
                if (!less(heap[child], s)) break;
                heap[i] = heap[child];
                at[heap[i]] = i;
                i = child;
            }
            heap[i] = s;
            at[s] = i;
        }

        private boolean less(int a, int b) {
            if (order == Order.SILENCE) return heardUntil[a] < heardUntil[b];
            if (percent[a] != percent[b]) return percent[a] < percent[b];
            if (sessions[a] != sessions[b]) return sessions[a] < sessions[b];
            return address[a].compareTo(address[b]) < 0;
        }
    }

    private static int[] filled(int n) {
        int[] a = new int[n];
        Arrays.fill(a, -1);
        return a;
    }
}
