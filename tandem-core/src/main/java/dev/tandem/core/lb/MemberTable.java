package dev.tandem.core.lb;

import java.util.AbstractMap;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The topology database of one {@link LbState}: sorted by member name, so that what a step does never depends on
 * hashing order, and never changed once made. A step that changes members hands its working table over
 * ({@link #adopt}) instead of having it copied again, and a step that changes none keeps the table it started from:
 * the members are copied at most once a step.
 */
final class MemberTable extends AbstractMap<MemberName, MemberRecord> {
    private final SortedMap<MemberName, MemberRecord> members;

    private MemberTable(TreeMap<MemberName, MemberRecord> members) {
        this.members = Collections.unmodifiableSortedMap(members);
    }

    /** A table of its own with what {@code m} holds now (an existing table is kept as it is). */
    static MemberTable copyOf(Map<MemberName, MemberRecord> m) {
        return m instanceof MemberTable t ? t : new MemberTable(new TreeMap<>(m));
    }

    /** The table {@code working} is, without a copy: its owner gives it up and must never change it again. */
    static MemberTable adopt(TreeMap<MemberName, MemberRecord> working) {
        return new MemberTable(working);
    }

    /** A working copy to change, for the next state. */
    TreeMap<MemberName, MemberRecord> toChange() {
        return new TreeMap<>(members);
    }

    @Override
    public Set<Entry<MemberName, MemberRecord>> entrySet() {
        return members.entrySet();
    }

    @Override
    public MemberRecord get(Object name) {
        return members.get(name);
    }

    @Override
    public boolean containsKey(Object name) {
        return members.containsKey(name);
    }

    @Override
    public int size() {
        return members.size();
    }

    @Override
    public Set<MemberName> keySet() {
        return members.keySet();
    }

    @Override
    public Collection<MemberRecord> values() {
        return members.values();
    }
}
