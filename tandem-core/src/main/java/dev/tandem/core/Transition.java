package dev.tandem.core;

import java.util.List;

/** The result of one protocol step: the new state and the effects to execute, in order. */
public record Transition<S>(S state, List<Effect> effects) {
    public Transition {
        effects = List.copyOf(effects);
    }
}
