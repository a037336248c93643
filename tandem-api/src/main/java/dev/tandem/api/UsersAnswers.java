package dev.tandem.api;

import java.util.List;

/** Users and their assignment (docs/cluster.md, Users). */
public final class UsersAnswers {
    private UsersAnswers() {}

    /**
     * One user: its group, its home node and the node serving it now.
     *
     * @param mustLogInAgain only after a move: true (a user moved to another group logs out and in again)
     */
    public record User(String id, String group, String home, String serving, @Nullable Boolean mustLogInAgain) {}

    /** {@code GET /api/v1/users}: one page; {@code next} is the {@code after} of the next page, null on the last. */
    public record Page(List<User> users, @Nullable String next) {}

    /** {@code POST /api/v1/users}: the user to add; {@code home} null lets the group's assignment mode choose. */
    public record NewUser(String id, String group, @Nullable String home) {}

    /** {@code POST /api/v1/users/{id}/move}: the group to move to, and the home in it (null: the mode chooses). */
    public record Move(String group, @Nullable String home) {}

    public record Removed(String removed) {}

    /** {@code POST /api/v1/users/import}: users written, how many the assignment mode placed, the new epoch. */
    public record Imported(int imported, int assigned, long epoch) {}

    /** {@code POST /api/v1/users/rebalance}: how many users moved (they log in again, as {@code note} says). */
    public record Rebalanced(int moved, String note) {}
}
