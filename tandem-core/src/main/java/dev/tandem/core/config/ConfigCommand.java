package dev.tandem.core.config;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One configuration command of the specification ([LB-GROUP]): the mode it is typed in, its keywords, what its arguments look like, its
 * {@code ?} help, how it changes the section and how its {@code no} form does. Parsing, applying, {@code ?} help
 * and tab completion all read this one table ({@link ConfigCommands}).
 *
 * @param mode      where the command is accepted
 * @param keywords  the fixed words, for example {@code cluster ip address}
 * @param arguments how the arguments read in help, for example {@code <1-10>}; empty when it takes none
 * @param choices   the fixed values of the argument for completion, for example {@code enable, disable}; may be empty
 * @param help      one line for {@code ?}
 * @param action    what kind of command it is
 * @param parser    the arguments' syntax: words to a value, or an {@link dev.tandem.core.Invalid} naming the field
 * @param apply     the value's effect on the section; may refuse (specification rules that depend on other settings)
 * @param unset     the {@code no} form, or null when the command has none
 * @param enters    the mode {@link Action#ENTER} enters; null for other actions
 * @param noArguments whether the {@code no} form takes the command's arguments ({@code no crypto ikev1 enable
 *                  inside}); otherwise it takes none
 */
public record ConfigCommand(ConfigMode mode, List<String> keywords, String arguments, List<String> choices,
                            String help, Action action, Function<List<String>, Object> parser,
                            Change apply, Change unset, ConfigMode enters, boolean noArguments) {

    /**
     * A command's effect: the section, the parsed value (null for a {@code no} form without arguments) and the
     * target of the mode it is typed in (the interface's hardware name in {@code config-if}, the tunnel group's
     * name in {@code config-tunnel-general}, else null).
     */
    @FunctionalInterface
    public interface Change {
        LbConfig apply(LbConfig config, Object value, String target);
    }

    /** A command of the load-balancing section or of global mode without a target, as most are. */
    public ConfigCommand(ConfigMode mode, List<String> keywords, String arguments, List<String> choices,
                         String help, Action action, Function<List<String>, Object> parser,
                         BiFunction<LbConfig, Object, LbConfig> apply, UnaryOperator<LbConfig> unset) {
        this(mode, keywords, arguments, choices, help, action, parser, (c, v, t) -> apply.apply(c, v),
                unset == null ? null : (c, v, t) -> unset.apply(c), action == Action.ENTER ? ConfigMode.LOAD_BALANCING : null,
                false);
    }

    /** What a command does besides changing settings. */
    public enum Action {
        /** changes the section */
        SET,
        /** {@code vpn load-balancing}: enters the section's mode */
        ENTER,
        /** {@code exit}: back to the mode above */
        EXIT,
        /** {@code show running-config}: prints, changes nothing */
        SHOW
    }

    public ConfigCommand {
        keywords = List.copyOf(keywords);
        choices = List.copyOf(choices);
    }

    public String name() {
        return String.join(" ", keywords);
    }

    /** The mode after this command. */
    public ConfigMode next(ConfigMode current) {
        return switch (action) {
            case ENTER -> enters;
            case EXIT -> ConfigMode.GLOBAL;
            case SET, SHOW -> current;
        };
    }

    public boolean takesArguments() {
        return !arguments.isEmpty();
    }
}
